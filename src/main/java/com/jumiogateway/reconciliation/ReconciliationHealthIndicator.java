package com.jumiogateway.reconciliation;

import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "reconciliation": pending transactions by state and whether Jumio refuses our retrieval
 * credentials (no personal data). Always UP: a refused credential or unresolved transactions are reasons to alert
 * people (operations alerts), not to take the instance out of a load balancer.
 */
@Component("reconciliation")
public class ReconciliationHealthIndicator extends AbstractHealthIndicator {

    private final PendingTransactions pending;
    private final RetrievalCredentials credentials;

    public ReconciliationHealthIndicator(PendingTransactions pending, RetrievalCredentials credentials) {
        super("Reconciliation state unavailable");
        this.pending = pending;
        this.credentials = credentials;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up().withDetail("transactions", pending.counts());
        Map<String, Object> block = credentials.current();
        builder.withDetail("credentialsRefused", block != null);
        if (block != null) {
            builder.withDetail("credentialsRefusedSince", String.valueOf(block.get("blocked_at")));
            builder.withDetail("credentialsRefusedWith", block.get("http_status"));
        }
    }
}
