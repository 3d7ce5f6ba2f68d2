package com.jumiogateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 request from a chosen loopback source address (127.0.0.x), to play a caller that is not our
 * trusted proxy, and to do what the JDK client will not: send exact bytes, a request line of our choosing, a body
 * slower or larger than announced, and count how much of a body was sent before the server answered.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public record Response(int status, String text) {

        /** The response headers, names in lower case (first value wins). */
        public Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            String head = text.contains("\r\n\r\n") ? text.substring(0, text.indexOf("\r\n\r\n")) : text;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            return headers;
        }

        /** The response body (after the blank line), de-chunked if needed. */
        public String body() {
            int start = text.indexOf("\r\n\r\n");
            String raw = start < 0 ? "" : text.substring(start + 4);
            if (!"chunked".equalsIgnoreCase(headers().get("transfer-encoding"))) {
                return raw;
            }
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (at < raw.length()) {
                int lineEnd = raw.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    break;
                }
                int size = Integer.parseInt(raw.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                body.append(raw, lineEnd + 2, Math.min(raw.length(), lineEnd + 2 + size));
                at = lineEnd + 2 + size + 2;
            }
            return body.toString();
        }
    }

    public static Response post(String fromAddress, int port, String path, String contentType, String body,
                                Map<String, String> headers) throws IOException {
        return send(fromAddress, port, "POST", path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Any method, exact body bytes; Content-Length is the body's length. */
    public static Response send(String fromAddress, int port, String method, String path, String contentType,
                                byte[] payload, Map<String, String> headers) throws IOException {
        try (Socket socket = connect(fromAddress, port)) {
            socket.setSoTimeout(30000);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("Content-Length: ").append(payload.length).append("\r\n").append("Connection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(readResponse(socket.getInputStream()));
        }
    }

    /** Sends the request head exactly as given (it must end with an empty line) and reads the answer. */
    public static Response raw(int port, String requestHead) throws IOException {
        try (Socket socket = connect("127.0.0.1", port)) {
            socket.setSoTimeout(30000);
            socket.getOutputStream().write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(readResponse(socket.getInputStream()));
        }
    }

    /**
     * What an upload cost the server: the answer, how many body bytes had been sent when it arrived (an upper bound
     * of what the server can have read of the body), how long it took, and whether the server then closed the
     * connection.
     */
    public record Upload(Response response, long bodyBytesSent, Duration elapsed, boolean closedByServer) {
    }

    /**
     * Sends the head, then the body in {@code chunk}-byte pieces every {@code pace}, checking before each piece
     * whether the server has answered; stops at the answer, at {@code declaredLength} bytes, or after {@code budget}.
     * A negative declared length sends the body chunked (Transfer-Encoding: chunked, no end marker).
     */
    public static Upload upload(String fromAddress, int port, String method, String path, String contentType,
                                Map<String, String> headers, long declaredLength, int chunk, Duration pace,
                                Duration budget) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (Socket socket = connect(fromAddress, port)) {
            socket.setSoTimeout(10000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head(method, path, port, contentType, headers, declaredLength));
            out.flush();
            byte[] piece = new byte[chunk];
            Arrays.fill(piece, (byte) 'a');
            long sent = 0;
            long limit = declaredLength >= 0 ? declaredLength : Long.MAX_VALUE;
            while (sent < limit && System.nanoTime() - started < budget.toNanos() && in.available() == 0) {
                int size = (int) Math.min(chunk, limit - sent);
                try {
                    if (declaredLength < 0) {
                        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(piece, 0, size);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(piece, 0, size);
                    }
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                sent += size;
                // pacing is what a slow sender does: there is no signal to wait for but the answer, checked often
                for (long waited = 0; waited < pace.toMillis() && in.available() == 0; waited += 5) {
                    Thread.sleep(Math.min(5, pace.toMillis()));
                }
            }
            byte[] answer = readResponse(in);
            boolean closed = answer != null && endOfStream(socket);
            return new Upload(answer == null ? null : parse(answer), sent,
                    Duration.ofNanos(System.nanoTime() - started), closed);
        }
    }

    /**
     * A blind upload: a second thread writes {@code total} bytes (Content-Length) as fast as the connection takes
     * them while this one waits for the answer. Returns the answer and how many bytes the writer got out before the
     * connection failed under it (or all of them).
     */
    public static Upload blast(String fromAddress, int port, String path, String contentType, Map<String, String> headers,
                               long total) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (Socket socket = connect(fromAddress, port)) {
            socket.setSoTimeout(10000);
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", path, port, contentType, headers, total));
            out.flush();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) 'a');
                try {
                    while (written.get() < total) {
                        int size = (int) Math.min(piece.length, total - written.get());
                        out.write(piece, 0, size);
                        written.addAndGet(size);
                    }
                } catch (IOException closed) {
                    // the server closed the connection: this is where the upload ends
                }
            }, "raw-http-blast");
            writer.setDaemon(true);
            writer.start();
            byte[] answer = readResponse(socket.getInputStream());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            boolean closed = answer != null && endOfStream(socket);
            writer.join(10000);
            return new Upload(answer == null ? null : parse(answer), written.get(), elapsed, closed);
        }
    }

    /** Opens a connection from the given loopback address. */
    public static Socket connect(String fromAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    public static byte[] head(String method, String path, int port, String contentType, Map<String, String> headers,
                              long declaredLength) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append(declaredLength >= 0 ? "Content-Length: " + declaredLength : "Transfer-Encoding: chunked").append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads one response: the head, then Content-Length bytes, or up to the end of a chunked body, or to the end of
     * the stream. Null when nothing arrived before the read timeout.
     */
    public static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received.write(buffer, 0, n);
                if (complete(received.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // nothing more within the timeout, or the server reset the connection: take what arrived
        }
        return received.size() == 0 ? null : received.toByteArray();
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = new Response(0, text).headers();
        if (headers.containsKey("content-length")) {
            return text.length() - end - 4 >= Integer.parseInt(headers.get("content-length"));
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            return text.endsWith("0\r\n\r\n");
        }
        return false;
    }

    /** Whether the server closes the connection after its answer (waits up to two seconds for it). */
    private static boolean endOfStream(Socket socket) {
        try {
            socket.setSoTimeout(2000);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static Response parse(byte[] bytes) {
        String response = new String(bytes, StandardCharsets.UTF_8);
        int status = Integer.parseInt(response.substring(9, 12));
        return new Response(status, response);
    }
}
