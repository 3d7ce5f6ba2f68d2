package com.jumiogateway.support;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real SMTP server (GreenMail) on a fixed loopback port that a test can stop and start again on the same port.
 * It requires SMTP AUTH with {@link #USERNAME}/{@link #PASSWORD}, so a gateway that does not authenticate fails.
 * GreenMail keeps one copy of a message per recipient mailbox (To, Cc and Bcc alike): {@link #deliveries()} shows
 * which mailboxes got how many, {@link #emails()} the distinct messages (by Message-ID).
 */
public final class TestSmtp {

    public static final String USERNAME = "gateway-smtp";
    public static final String PASSWORD = "smtp-secret";

    private final int port;
    private GreenMail server;

    public TestSmtp() {
        this.port = freePort();
    }

    public int port() {
        return port;
    }

    public synchronized TestSmtp start() {
        if (server == null) {
            GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                    .withConfiguration(GreenMailConfiguration.aConfig().withUser("gateway@bank.test", USERNAME, PASSWORD));
            greenMail.start();
            greenMail.getUserManager().setAuthRequired(true);
            server = greenMail;
        }
        return this;
    }

    /** The gateway's settings for sending through this server (SMTP AUTH, no STARTTLS on loopback). */
    public Map<String, Object> settings() {
        return settings(port);
    }

    /** The same settings for another server on {@code port} (e.g. a {@link SilentSmtp}). */
    public static Map<String, Object> settings(int port) {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("gateway.alerts.smtp.host", "127.0.0.1");
        settings.put("gateway.alerts.smtp.port", port);
        settings.put("gateway.alerts.smtp.starttls", "false");
        settings.put("gateway.alerts.smtp.username", USERNAME);
        settings.put("gateway.alerts.smtp.password", PASSWORD);
        return settings;
    }

    /** {@link #settings()} for a Spring test's {@code @DynamicPropertySource}. */
    public void register(DynamicPropertyRegistry registry) {
        settings().forEach((name, value) -> registry.add(name, () -> value));
    }

    /** Stops the server; messages it had received are gone with it. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Forgets every received message (the server keeps running). */
    public synchronized void purge() {
        if (server != null) {
            try {
                server.purgeEmailFromAllMailboxes();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every stored copy: one per recipient mailbox. */
    public synchronized List<MimeMessage> received() {
        return server == null ? List.of() : Arrays.asList(server.getReceivedMessages());
    }

    /** Mailbox (recipient address) to the number of messages in it, for mailboxes that got any. */
    public synchronized Map<String, Long> deliveries() {
        if (server == null) {
            return Map.of();
        }
        Map<String, Long> counts = new TreeMap<>();
        for (GreenMailUser user : server.getUserManager().listUser()) {
            long count = server.findReceivedMessages(u -> u.getEmail().equals(user.getEmail()), m -> true).count();
            if (count > 0) {
                counts.put(user.getEmail(), count);
            }
        }
        return counts;
    }

    /**
     * Distinct messages received (copies for several recipients share a Message-ID), by Message-ID. The gateway
     * gives every alert a stable Message-ID, so a message sent twice shows as the same Message-ID twice in one
     * mailbox: that fails here at once, so no caller can mistake a repeated send for one message.
     */
    public synchronized Map<String, MimeMessage> emails() {
        assertNothingSentTwice();
        return received().stream().collect(Collectors.toMap(TestSmtp::messageId, m -> m, (a, b) -> a, TreeMap::new));
    }

    /** Fails when a mailbox holds two copies with one Message-ID (the same alert sent twice). */
    public synchronized void assertNothingSentTwice() {
        if (server == null) {
            return;
        }
        for (GreenMailUser user : server.getUserManager().listUser()) {
            Map<String, Long> copies = server.findReceivedMessages(u -> u.getEmail().equals(user.getEmail()), m -> true)
                    .collect(Collectors.groupingBy(TestSmtp::messageId, Collectors.counting()));
            copies.forEach((id, count) -> {
                if (count > 1) {
                    throw new AssertionError("Message " + id + " reached " + user.getEmail() + " " + count + " times");
                }
            });
        }
    }

    /** Waits until at least {@code copies} copies arrived. */
    public void awaitCopies(int copies) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> received().size() >= copies);
    }

    public static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of the first part of this MIME type (e.g. text/plain, text/html), searching nested multiparts. */
    public static String part(MimeMessage message, String mimeType) {
        try {
            String found = find(message.getContent(), mimeType);
            if (found == null && message.isMimeType(mimeType)) {
                return (String) message.getContent();
            }
            return found;
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String find(Object content, String mimeType) throws MessagingException, IOException {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType(mimeType)) {
                    return (String) part.getContent();
                }
                String nested = find(part.getContent(), mimeType);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    /** The whole message as sent: every header and every part, as raw text. */
    public static String raw(MimeMessage message) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            message.writeTo(out);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
