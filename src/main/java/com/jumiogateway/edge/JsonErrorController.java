package com.jumiogateway.edge;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Spring's error page ({@code /error}, where Tomcat forwards every sendError: 404 for an unknown path, 405, 408 on
 * a read timeout, 500 from a filter) as JSON for every caller, whatever it accepts, instead of the Whitelabel HTML
 * page. It never echoes the exception's message or the path: both can carry what the caller sent.
 */
@Controller
class JsonErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorController.class);

    @RequestMapping("${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value && value >= 400 && value <= 599 ? value : 500;
        if (status >= 500) {
            log.error("HTTP {} answered: {}", status, causes((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION)));
        } else {
            log.debug("HTTP {} answered ({})", status, JsonErrors.reason(status));
        }
        if (response.isCommitted()) {
            return;
        }
        byte[] json = JsonErrors.body(status);
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /** Exception classes only: their messages may quote the request. */
    private static String causes(Throwable throwable) {
        if (throwable == null) {
            return "no exception";
        }
        StringBuilder chain = new StringBuilder();
        for (Throwable t = throwable; t != null && chain.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getName());
        }
        return chain.toString();
    }
}
