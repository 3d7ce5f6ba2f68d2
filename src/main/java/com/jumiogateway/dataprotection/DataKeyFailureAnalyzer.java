package com.jumiogateway.dataprotection;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A start-up stopped by a data key problem ends with Spring Boot's short "APPLICATION FAILED TO START" report naming
 * the key id and what to do, instead of a bean-creation stack trace (registered in META-INF/spring.factories).
 */
class DataKeyFailureAnalyzer extends AbstractFailureAnalyzer<DataKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataKeyException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check GATEWAY_DATA_KEYS (README, \"Encryption at rest\"): every key id the database holds must be"
                        + " configured with the key that encrypted it; the first key encrypts new values.", cause);
    }
}
