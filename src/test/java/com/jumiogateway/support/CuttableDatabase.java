package com.jumiogateway.support;

import java.io.IOException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.h2.tools.Server;

/**
 * The database reached through a {@link TcpProxy} that a test cuts ({@code proxy().stop()}) and restores
 * ({@code proxy().start()}): the GATEWAY_DB_URL PostgreSQL (CI's second pass) or an in-memory H2 database behind an
 * H2 TCP server of its own.
 */
public final class CuttableDatabase implements AutoCloseable {

    private final Server h2;
    private final TcpProxy proxy;
    private final String url;

    private CuttableDatabase(Server h2, TcpProxy proxy, String url) {
        this.h2 = h2;
        this.proxy = proxy;
        this.url = url;
    }

    public static CuttableDatabase start(String h2Name) throws SQLException, IOException {
        String configured = System.getenv("GATEWAY_DB_URL");
        if (configured != null && configured.startsWith("jdbc:postgresql://")) {
            TcpProxy proxy = new TcpProxy("127.0.0.1", 5432).start();
            return new CuttableDatabase(null, proxy, configured.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"));
        }
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        TcpProxy proxy = new TcpProxy("127.0.0.1", h2.getPort()).start();
        return new CuttableDatabase(h2, proxy, "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:" + h2Name + "-"
                + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }

    public TcpProxy proxy() {
        return proxy;
    }

    public String url() {
        return url;
    }

    /** Gateway settings for this database: its URL, and pool timeouts short enough to notice a cut at once. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("spring.datasource.url", url);
        settings.put("spring.datasource.hikari.connection-timeout", 1000);
        settings.put("spring.datasource.hikari.validation-timeout", 500);
        return settings;
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        if (h2 != null) {
            h2.stop();
        }
    }
}
