package com.jumiogateway.intake;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The order of a stop (SIGTERM): the edge answers every new request 503 with Retry-After (readiness is already
 * DOWN) and lets the requests it had let through reach their routes; then Camel's routes stop and finish their work
 * while the port stays open; only then does the web server close. Without this the web server would close first and
 * callbacks arriving during the drain would find a closed port. Stops before every other lifecycle (highest phase);
 * Camel's own stop later finds it stopped.
 */
@Component
public class DrainBeforeClosing implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainBeforeClosing.class);

    /** Looked up at stop: a declared dependency would make Spring start Camel before its routes are collected. */
    private final ObjectProvider<CamelContext> camel;
    private final CallbackEdge edge;
    private final IntakeProperties intake;
    private volatile boolean running;

    public DrainBeforeClosing(ObjectProvider<CamelContext> camel, CallbackEdge edge, IntakeProperties intake) {
        this.camel = camel;
        this.edge = edge;
        this.intake = intake;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        log.info("Stopping: requests answered 503 while the routes finish their work (at most camel.main.shutdown-timeout)");
        try {
            // requests already let through (a callback body may still be arriving) reach their route first
            edge.drain(intake.getBodyReadTimeout().plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
