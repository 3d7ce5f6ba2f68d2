package com.jumiogateway.edge;

import com.jumiogateway.intake.CallbackEdge;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Ends the in-flight count of a callback the edge let in ({@link CallbackEdge#start()}) when its request ends. A
 * request listener because the container calls it exactly once per request, whichever way it ends: answered by the
 * edge, by the route on another thread (platform-http answers asynchronously), or abandoned by the caller.
 */
final class InFlightCallbacks implements ServletRequestListener {

    /** Request attribute set by {@link EdgeValve} on a callback counted as in flight. */
    static final String ATTRIBUTE = "com.jumiogateway.edge.InFlight";

    private final ObjectProvider<CallbackEdge> edges;

    InFlightCallbacks(ObjectProvider<CallbackEdge> edges) {
        this.edges = edges;
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        if (event.getServletRequest().getAttribute(ATTRIBUTE) != null) {
            event.getServletRequest().removeAttribute(ATTRIBUTE);
            edges.getObject().finished();
        }
    }
}
