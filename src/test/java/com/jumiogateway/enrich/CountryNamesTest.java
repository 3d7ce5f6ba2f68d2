package com.jumiogateway.enrich;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CountryNamesTest {

    private final CountryNames countryNames = new CountryNames();

    @ParameterizedTest
    @CsvSource({
            "DEU, Germany",
            "deu, Germany",
            "' USA ', United States",
            "GBR, United Kingdom",
            "ESP, Spain",
            "IND, India",
            "XKX, Kosovo",
            "xkx, Kosovo"})
    void englishNameOfAnAlpha3Code(String code, String expected) {
        assertThat(countryNames.englishName(code)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"QQQ", "DE", "N/A", "GERMANY"})
    void unknownCodesHaveNoName(String code) {
        assertThat(countryNames.englishName(code)).isNull();
    }
}
