package com.jumiogateway.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.annotation.DirtiesContext;

/**
 * On a {@link GatewayTestSupport} class whose settings no other class shares (its own properties, its own fake
 * servers on ports of its own): its application context is closed after the class instead of staying cached.
 * Classes without it run on one shared context with the test profile's settings.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface OwnContext {
}
