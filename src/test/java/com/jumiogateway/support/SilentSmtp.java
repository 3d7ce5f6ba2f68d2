package com.jumiogateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mail server that accepts connections and never says a word: a hung SMTP server. The connections stay open until
 * {@link #close()}, so the gateway's read timeout is what ends each attempt.
 */
public final class SilentSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    private SilentSmtp(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(() -> {
            try {
                while (!server.isClosed()) {
                    held.add(server.accept());
                }
            } catch (IOException closed) {
                // closed: the test is over
            }
        }, "silent-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on loopback at {@code port}; 0 for any free port. */
    public static SilentSmtp on(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        return new SilentSmtp(server);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The connections the gateway opened so far. */
    public List<Socket> held() {
        return held;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
