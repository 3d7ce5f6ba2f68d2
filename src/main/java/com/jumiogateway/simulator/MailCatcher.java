package com.jumiogateway.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local SMTP sink for the dev loop (loopback only, no TLS, no authentication): accepts every message, prints its
 * recipients and subject, and keeps it as an .eml file. Point the gateway at it with GATEWAY_ALERTS_SMTP_HOST=127.0.0.1,
 * GATEWAY_ALERTS_SMTP_PORT=2525 and GATEWAY_ALERTS_SMTP_STARTTLS=false.
 */
final class MailCatcher {

    private final int port;
    private final Path directory;
    private final PrintStream out;
    private final AtomicInteger count = new AtomicInteger();

    MailCatcher(int port, Path directory, PrintStream out) {
        this.port = port;
        this.directory = directory;
        this.out = out;
    }

    void run() throws IOException {
        Files.createDirectories(directory);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            out.println("mail-catcher: SMTP on 127.0.0.1:" + port + ", messages saved under " + directory.toAbsolutePath()
                    + " (Ctrl-C to stop)");
            out.flush();
            while (true) {
                Socket socket = server.accept();
                Thread thread = new Thread(() -> session(socket), "mail-catcher");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private void session(Socket socket) {
        try (socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
             Writer w = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1)) {
            reply(w, "220 jumio-sim mail-catcher");
            String recipients = "";
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
                switch (command) {
                    case "EHLO" -> reply(w, "250-jumio-sim\r\n250 8BITMIME");
                    case "HELO" -> reply(w, "250 jumio-sim");
                    case "MAIL" -> {
                        recipients = "";
                        reply(w, "250 OK");
                    }
                    case "RCPT" -> {
                        recipients += (recipients.isEmpty() ? "" : ", ") + line.substring(line.indexOf(':') + 1).trim();
                        reply(w, "250 OK");
                    }
                    case "DATA" -> {
                        reply(w, "354 end with <CRLF>.<CRLF>");
                        StringBuilder message = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            message.append(data.startsWith("..") ? data.substring(1) : data).append("\r\n");
                        }
                        saved(recipients, message.toString());
                        reply(w, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(w, "221 bye");
                        return;
                    }
                    default -> reply(w, "250 OK");
                }
            }
        } catch (IOException e) {
            out.println("mail-catcher: session ended: " + e.getMessage());
        }
    }

    private void saved(String recipients, String message) throws IOException {
        int n = count.incrementAndGet();
        Path file = directory.resolve(String.format("%03d.eml", n));
        Files.writeString(file, message, StandardCharsets.ISO_8859_1);
        // the header as one line: a long subject is folded over several lines (RFC 5322 2.2.3)
        String headers = message.split("\r\n\r\n", 2)[0].replaceAll("\r\n[ \t]+", " ");
        String subject = headers.lines().filter(l -> l.regionMatches(true, 0, "Subject:", 0, 8)).findFirst().orElse("Subject: (none)");
        synchronized (out) {
            out.println("mail #" + n + " to " + recipients);
            out.println("  " + subject);
            out.println("  saved as " + file);
            out.flush();
        }
    }

    private static void reply(Writer w, String text) throws IOException {
        w.write(text + "\r\n");
        w.flush();
    }
}
