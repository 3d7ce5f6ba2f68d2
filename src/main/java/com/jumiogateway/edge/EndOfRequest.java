package com.jumiogateway.edge;

import com.jumiogateway.intake.CallbackEdge;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Ends the edge's counts of a request when the request ends: the requests it let through
 * ({@link CallbackEdge#enter()}, which a stop waits for) and the callbacks under way ({@link CallbackEdge#start()},
 * load shedding). A request listener because the container calls it exactly once per request, whichever way it ends:
 * answered by the edge, by the route on another thread (platform-http answers asynchronously), or abandoned by the
 * caller.
 */
final class EndOfRequest implements ServletRequestListener {

    /** Request attribute set by {@link EdgeValve} on a request it let through. */
    static final String ADMITTED = "com.jumiogateway.edge.Admitted";
    /** Request attribute set by {@link EdgeValve} on a callback counted as in flight. */
    static final String IN_FLIGHT = "com.jumiogateway.edge.InFlight";

    private final ObjectProvider<CallbackEdge> edges;

    EndOfRequest(ObjectProvider<CallbackEdge> edges) {
        this.edges = edges;
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        ServletRequest request = event.getServletRequest();
        if (request.getAttribute(IN_FLIGHT) != null) {
            request.removeAttribute(IN_FLIGHT);
            edges.getObject().finished();
        }
        if (request.getAttribute(ADMITTED) != null) {
            request.removeAttribute(ADMITTED);
            edges.getObject().ended();
        }
    }
}
