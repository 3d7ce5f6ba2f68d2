package com.jumiogateway.intake;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({AllowlistProperties.class, IntakeProperties.class})
class IntakeConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HostnameResolver hostnameResolver() {
        return HostnameResolver.system();
    }
}
