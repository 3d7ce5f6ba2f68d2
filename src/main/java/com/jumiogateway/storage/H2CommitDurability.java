package com.jumiogateway.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * A 200 means "committed", and on an H2 file database a commit is only in the file once H2 writes it: by default up
 * to WRITE_DELAY (500 ms) later, so a crash lost acknowledged callbacks. The default URL sets WRITE_DELAY=0; this
 * makes the same true for any other H2 URL an operator configures. It rewrites the URL before the pool opens a
 * connection: H2 runs a URL's settings again for every new session, so a one-off {@code SET WRITE_DELAY 0} would be
 * undone by the next pooled connection of a URL that names a delay. PostgreSQL and in-memory H2 are left alone.
 */
@Component
class H2CommitDurability implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(H2CommitDurability.class);
    private static final Pattern WRITE_DELAY = Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=[^;]*");

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && needsRewrite(pool.getJdbcUrl())) {
            pool.setJdbcUrl(durable(pool.getJdbcUrl()));
            // the URL itself is not logged: an operator's URL may carry credentials
            log.info("H2 database URL without WRITE_DELAY=0: set so each commit is in the file before a"
                    + " callback is answered");
        }
        return bean;
    }

    /** An H2 URL (not in memory) that names no WRITE_DELAY, or names one other than 0. */
    static boolean needsRewrite(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, 8) || url.toLowerCase().contains(":mem:")) {
            return false;
        }
        Matcher setting = WRITE_DELAY.matcher(url);
        boolean zero = false;
        while (setting.find()) {
            String value = setting.group().substring(setting.group().indexOf('=') + 1).strip();
            if (!value.equals("0")) {
                return true;
            }
            zero = true;
        }
        return !zero;
    }

    /** The URL with exactly one WRITE_DELAY=0, whatever delay it named before. */
    static String durable(String url) {
        return WRITE_DELAY.matcher(url).replaceAll("") + ";WRITE_DELAY=0";
    }
}
