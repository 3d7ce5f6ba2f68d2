package com.jumiogateway.support;

import org.apache.camel.CamelContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.TestExecutionListener;

/**
 * Test classes with the same settings share one application context (Spring's test context cache). Between its
 * classes that context must not work in the background: its schedulers would claim rows in the database other tests
 * use (one PostgreSQL schema in CI's second pass) and take CPU from them. So its Camel routes are suspended after each
 * class and resumed before the next class that uses it. A class marked {@link DirtiesContext} closes its context
 * instead; nothing to do then.
 */
public class QuietWhileCached implements TestExecutionListener {

    @Override
    public void beforeTestClass(TestContext testContext) {
        CamelContext camel = testContext.getApplicationContext().getBean(CamelContext.class);
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
        CamelContext camel = testContext.getApplicationContext().getBean(CamelContext.class);
        if (camel.isStarted()) {
            camel.suspend();
        }
    }
}
