package com.jumiogateway.claims;

import java.lang.management.ManagementFactory;
import java.util.UUID;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * This instance's one name in the claims of all three queues (callback inbox, alert outbox, pending transactions):
 * {@code gateway.instance-id}, or one of the older per-queue settings, or host name, process id and a random suffix.
 * A configured name is <em>stable</em>: the same name after a restart means the claims it finds are its own, left by
 * its previous life, and are given back at start-up (so it must be unique per running instance).
 */
@Component("instanceIdentity")
public class InstanceIdentity {

    /** Older settings, still honoured (in this order) when gateway.instance-id is not set. */
    private static final String[] SETTINGS = {"gateway.instance-id", "gateway.worker.instance-id",
        "gateway.reconciliation.instance-id", "gateway.alerts.instance-id"};

    private final String id;
    private final boolean stable;

    public InstanceIdentity(Environment env) {
        String configured = null;
        for (String setting : SETTINGS) {
            String value = env.getProperty(setting);
            if (StringUtils.hasText(value)) {
                configured = value.strip();
                break;
            }
        }
        this.stable = configured != null;
        // pid@host, plus a suffix: two application contexts in one JVM (tests) must not share a name
        this.id = stable ? configured
                : ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    /** True when the name was configured, so it survives a restart. */
    public boolean stable() {
        return stable;
    }
}
