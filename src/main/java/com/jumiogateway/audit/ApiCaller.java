package com.jumiogateway.audit;

import com.jumiogateway.security.ApiCallerFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;

/** Who made an API request and from where, as the security layer recorded it on the request. */
public record ApiCaller(String name, String clientAddress) {

    /** The caller of the HTTP request behind the exchange ("unknown" when there is none, e.g. a route called directly). */
    public static ApiCaller of(Exchange exchange) {
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (request == null) {
            return new ApiCaller("unknown", null);
        }
        Object name = request.getAttribute(ApiCallerFilter.CALLER);
        Object address = request.getAttribute(ApiCallerFilter.CLIENT_ADDRESS);
        return new ApiCaller(name == null ? "unknown" : truncate(name.toString(), 200),
                address == null ? truncate(request.getRemoteAddr(), 64) : truncate(address.toString(), 64));
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
