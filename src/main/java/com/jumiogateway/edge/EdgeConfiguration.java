package com.jumiogateway.edge;

import com.jumiogateway.intake.CallbackEdge;
import com.jumiogateway.intake.IntakeProperties;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.embedded.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatContextCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The servlet edge: what happens to a request before any filter or route sees it.
 * <ul>
 *   <li>{@link EdgeValve} on the context: readiness, the callback allowlist and body limits before the body is read,
 *   no draining of unread bodies after an error;</li>
 *   <li>every single body read waits at most gateway.intake.body-read-timeout (Tomcat's upload timeout), instead of
 *   the connection timeout;</li>
 *   <li>Tomcat's own error pages are JSON ({@link JsonErrorReportValve}), like Spring's ({@link JsonErrorController});</li>
 *   <li>{@link EndOfRequest} ends the counts of requests let through (a stop waits for them) and of callbacks under
 *   way (load shedding) when each request ends;</li>
 *   <li>{@link CallbackBodyFilter} hides an already read callback body from Camel's binding.</li>
 * </ul>
 * Replaces Boot's Tomcat factory bean only to name the Host's error report valve, which must be set before the Host
 * starts; Boot's customizers (server.* settings) still apply to it.
 */
@Configuration
class EdgeConfiguration {

    @Bean
    TomcatServletWebServerFactory tomcatServletWebServerFactory(ObjectProvider<CallbackEdge> edges,
            IntakeProperties intake,
            ObjectProvider<TomcatConnectorCustomizer> connectorCustomizers,
            ObjectProvider<TomcatContextCustomizer> contextCustomizers,
            ObjectProvider<TomcatProtocolHandlerCustomizer<?>> protocolHandlerCustomizers) {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory() {
            @Override
            protected TomcatWebServer getTomcatWebServer(Tomcat tomcat) {
                ((StandardHost) tomcat.getHost()).setErrorReportValveClass(JsonErrorReportValve.class.getName());
                return super.getTomcatWebServer(tomcat);
            }
        };
        factory.getTomcatConnectorCustomizers().addAll(connectorCustomizers.orderedStream().toList());
        factory.getTomcatContextCustomizers().addAll(contextCustomizers.orderedStream().toList());
        factory.getTomcatProtocolHandlerCustomizers().addAll(protocolHandlerCustomizers.orderedStream().toList());
        factory.addContextValves(new EdgeValve(edges));
        int uploadTimeout = (int) Math.min(Integer.MAX_VALUE, intake.getBodyReadTimeout().toMillis());
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
                http.setDisableUploadTimeout(false);
                http.setConnectionUploadTimeout(uploadTimeout);
            }
        });
        return factory;
    }

    @Bean
    ServletListenerRegistrationBean<EndOfRequest> endOfRequest(ObjectProvider<CallbackEdge> edges) {
        return new ServletListenerRegistrationBean<>(new EndOfRequest(edges));
    }

    @Bean
    FilterRegistrationBean<CallbackBodyFilter> callbackBodyFilter() {
        FilterRegistrationBean<CallbackBodyFilter> registration = new FilterRegistrationBean<>(new CallbackBodyFilter());
        registration.addUrlPatterns("/callbacks/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
