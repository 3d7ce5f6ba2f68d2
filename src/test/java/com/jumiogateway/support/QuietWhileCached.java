package com.jumiogateway.support;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.TestExecutionListener;

/**
 * Test classes with the same settings share one application context (Spring's test context cache). Between its
 * classes that context must not work in the background: its schedulers would claim rows in the database other tests
 * use (one PostgreSQL schema in CI's second pass) and take CPU from them, and its idle pool would hold database
 * connections that instances started by other tests need. So after each class its Camel routes are suspended and its
 * idle connections closed; before the next class that uses it, both come back. A class marked {@link DirtiesContext}
 * closes its context instead; nothing to do then.
 */
public class QuietWhileCached implements TestExecutionListener {

    /** The pool's minimum of idle connections, per paused pool, to restore on resume. */
    private static final Map<HikariDataSource, Integer> PAUSED_POOLS = new ConcurrentHashMap<>();

    @Override
    public void beforeTestClass(TestContext testContext) {
        ApplicationContext context = testContext.getApplicationContext();
        context.getBeanProvider(HikariDataSource.class).ifAvailable(pool -> {
            Integer minimumIdle = PAUSED_POOLS.remove(pool);
            if (minimumIdle != null) {
                pool.getHikariConfigMXBean().setMinimumIdle(minimumIdle);
            }
        });
        CamelContext camel = context.getBean(CamelContext.class);
        if (camel.isSuspended()) {
            camel.resume();
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        if (!testContext.hasApplicationContext()
                || TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), DirtiesContext.class)) {
            return;
        }
        ApplicationContext context = testContext.getApplicationContext();
        CamelContext camel = context.getBean(CamelContext.class);
        if (camel.isStarted()) {
            camel.suspend();
        }
        context.getBeanProvider(HikariDataSource.class).ifAvailable(pool -> {
            PAUSED_POOLS.putIfAbsent(pool, pool.getMinimumIdle());
            pool.getHikariConfigMXBean().setMinimumIdle(0);
            pool.getHikariPoolMXBean().softEvictConnections();
        });
    }
}
