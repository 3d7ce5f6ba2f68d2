package com.jumiogateway.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * On PostgreSQL, the driver copies the server's "Detail:" text into exception messages, and that text quotes row
 * values ("Failing row contains (...)", "Key (...)=(...)"): callback values, that is personal data. The log
 * converters already withhold database messages; this keeps them out of the exceptions in the first place
 * (driver property logServerErrorDetail=false), unless the property was configured explicitly.
 */
@Component
class PostgresErrorDetailOff implements BeanPostProcessor {

    static final String PROPERTY = "logServerErrorDetail";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:postgresql:")
                && !pool.getDataSourceProperties().containsKey(PROPERTY)) {
            pool.addDataSourceProperty(PROPERTY, "false");
        }
        return bean;
    }
}
