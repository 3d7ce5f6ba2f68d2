package com.jumiogateway.documentverification;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(DocumentVerificationProperties.class)
class DocumentVerificationConfiguration {
}
