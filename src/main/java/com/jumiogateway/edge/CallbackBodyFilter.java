package com.jumiogateway.edge;

import com.jumiogateway.intake.CallbackEdge;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hides a callback's body from everything after the edge: the valve has read it (as bytes, into a request
 * attribute), and Camel's HTTP binding would otherwise try to read and form-parse it again. The intake route
 * stores the bytes from the attribute; nothing else ever parses them before the worker does.
 * <p>Camel decides whether to form-parse from {@code getContentType()}, so that answers null: the parse of an
 * empty body still converted it by a type-converter search on every request (about a quarter of the intake's own
 * CPU in a profile). The Content-Type header itself is untouched; it is what the route checks and stores.
 */
final class CallbackBodyFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(CallbackEdge.BODY_ATTRIBUTE) instanceof byte[]) {
            chain.doFilter(new BodyAlreadyRead(request), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** The request as Camel sees it: headers as sent, no body. */
    private static final class BodyAlreadyRead extends HttpServletRequestWrapper {

        BodyAlreadyRead(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return null;
        }

        @Override
        public int getContentLength() {
            return 0;
        }

        @Override
        public long getContentLengthLong() {
            return 0;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return true;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public int read() {
                    return -1;
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new StringReader(""));
        }
    }
}
