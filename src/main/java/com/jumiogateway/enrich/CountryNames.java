package com.jumiogateway.enrich;

import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;

/** English country names for Jumio's ISO 3166-1 alpha-3 codes, from the JDK's own locale data. */
@Component
public class CountryNames {

    /** Jumio's code for Kosovo, which has no ISO 3166-1 code and so is not in the JDK's list. */
    private static final String KOSOVO = "XKX";

    private final Map<String, String> namesByAlpha3;

    public CountryNames() {
        Map<String, String> names = new HashMap<>();
        for (String alpha2 : Locale.getISOCountries()) {
            Locale country = new Locale("", alpha2);
            try {
                names.put(country.getISO3Country(), country.getDisplayCountry(Locale.ENGLISH));
            } catch (MissingResourceException e) {
                // a code without an alpha-3 equivalent cannot be asked for
            }
        }
        names.put(KOSOVO, "Kosovo");
        this.namesByAlpha3 = Map.copyOf(names);
    }

    /** The English name for an alpha-3 code (any case), or null for a code that is unknown, blank or null. */
    public String englishName(String alpha3) {
        if (alpha3 == null) {
            return null;
        }
        return namesByAlpha3.get(alpha3.strip().toUpperCase(Locale.ROOT));
    }
}
