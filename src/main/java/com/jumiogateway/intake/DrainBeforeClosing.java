package com.jumiogateway.intake;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The order of a stop (SIGTERM): Camel's routes stop and finish their work first, while the port stays open and
 * every request is answered 503 with Retry-After (the edge answers so whenever Camel is not started; readiness is
 * already DOWN), and only then does the web server close. Without this the web server would close first and
 * callbacks arriving during the drain would find a closed port. Stops before every other lifecycle (highest phase);
 * Camel's own stop later finds it stopped.
 */
@Component
public class DrainBeforeClosing implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainBeforeClosing.class);

    /** Looked up at stop: a declared dependency would make Spring start Camel before its routes are collected. */
    private final ObjectProvider<CamelContext> camel;
    private volatile boolean running;

    public DrainBeforeClosing(ObjectProvider<CamelContext> camel) {
        this.camel = camel;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        log.info("Stopping: requests answered 503 while the routes finish their work (at most camel.main.shutdown-timeout)");
        try {
            CamelContext context = camel.getIfAvailable();
            if (context != null) {
                context.stop();
            }
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
