package com.jumiogateway.edge;

import com.jumiogateway.intake.CallbackEdge;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The first thing a request meets after Tomcat has parsed its request line and headers, before any filter (Spring
 * Security, MVC, Camel). Tomcat glue only; {@link CallbackEdge} decides.
 * <ul>
 *   <li>{@code /callbacks/**} and {@code /api/**} while the routes are not started: 503 with Retry-After.</li>
 *   <li>{@code /callbacks/**}: a caller that is not allowed, or declares a body over the limit, or sends a
 *   Content-Type longer than the inbox stores, is answered at once and the connection closed without reading (or
 *   "swallowing") the body. So is one over the limit of callbacks under way (503, load shedding). An allowed
 *   caller's body is read here, capped and with a deadline, and handed on as a
 *   request attribute.</li>
 *   <li>Any request answered with an error before its body was read (for example 401 on {@code /api/**}): the
 *   connection is closed rather than the rest of the body drained.</li>
 * </ul>
 * Only a valve can do the last two: it sees Tomcat's own request, whose coyote request can be told not to swallow.
 */
final class EdgeValve extends ValveBase {

    private final ObjectProvider<CallbackEdge> edges;
    private volatile CallbackEdge edge;

    EdgeValve(ObjectProvider<CallbackEdge> edges) {
        super(true);
        this.edges = edges;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String path = request.getDecodedRequestURI();
        boolean callback = path != null && (path.equals("/callbacks") || path.startsWith("/callbacks/"));
        boolean api = path != null && path.startsWith("/api/");
        // only a request's first pass: an async dispatch (platform-http completing) comes through here again
        boolean firstPass = request.getDispatcherType() == DispatcherType.REQUEST && !request.isAsyncDispatching();
        if (firstPass && !response.isError() && (callback || api)) {
            CallbackEdge edge = edge();
            if (!edge.enter()) {
                answer(request, response, edge.notReady());
                return;
            }
            // counted until the request ends, however it ends (EndOfRequest, a request listener): a stop waits for it
            request.setAttribute(EndOfRequest.ADMITTED, Boolean.TRUE);
            if (callback) {
                long declared = request.getContentLengthLong();
                CallbackEdge.Admission admission = edge.admit(request.getRemoteAddr(),
                        request.getHeaders("X-Forwarded-For"), declared, request.getContentType());
                if (admission.refusal() != null) {
                    answer(request, response, admission.refusal());
                    return;
                }
                CallbackEdge.Refusal overloaded = edge.start();
                if (overloaded != null) {
                    answer(request, response, overloaded);
                    return;
                }
                // finished when the request ends, however it ends (EndOfRequest)
                request.setAttribute(EndOfRequest.IN_FLIGHT, Boolean.TRUE);
                CallbackEdge.Body body = edge.readBody(request.getInputStream(), declared, admission.client());
                if (body.clientGone()) {
                    // Tomcat has set the status (408 on a read timeout); the JSON error page answers if it still can
                    disableSwallow(request);
                    return;
                }
                if (body.refusal() != null) {
                    answer(request, response, body.refusal());
                    return;
                }
                request.setAttribute(CallbackEdge.BODY_ATTRIBUTE, body.bytes());
            }
        }
        getNext().invoke(request, response);
        if (!request.isAsync() && response.getStatus() >= 400 && bodyLeftUnread(request)) {
            boolean errorPagePending = response.isError();
            disableSwallow(request);
            if (!errorPagePending) {
                // the answer is written already; not swallowing must not make Tomcat render an error page over it
                response.setErrorReported();
            }
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
            }
        }
    }

    /** Resolved on first use: the valve is built with the web server, before the beans it uses. */
    private CallbackEdge edge() {
        CallbackEdge resolved = edge;
        if (resolved == null) {
            resolved = edges.getObject();
            edge = resolved;
        }
        return resolved;
    }

    /** A short JSON answer; the connection is closed afterwards and whatever body is still coming is never read. */
    private static void answer(Request request, Response response, CallbackEdge.Refusal refusal) throws IOException {
        disableSwallow(request);
        byte[] json = JsonErrors.body(refusal.reason(), refusal.message());
        response.setStatus(refusal.status());
        response.setContentType("application/json");
        response.setHeader("Connection", "close");
        if (refusal.retryAfterSeconds() != null) {
            response.setHeader("Retry-After", String.valueOf(refusal.retryAfterSeconds()));
        }
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        // DISABLE_SWALLOW_INPUT marks the response as in error; this answer is the report, no error page follows
        response.setErrorReported();
    }

    /**
     * Tomcat would otherwise read up to maxSwallowSize of an unread body after the answer (slowly, for a slow
     * sender). The connection is closed after the answer instead.
     */
    private static void disableSwallow(Request request) {
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }

    private static boolean bodyLeftUnread(Request request) {
        long declared = request.getContentLengthLong();
        boolean hasBody = declared > 0 || (declared < 0 && request.getHeader("Transfer-Encoding") != null);
        if (!hasBody) {
            return false;
        }
        AtomicBoolean fullyRead = new AtomicBoolean(false);
        request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
        return !fullyRead.get();
    }
}
