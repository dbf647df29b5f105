package dev.sluice.local.broker;

import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * The address of this process, for deliveries to a path on it ({@code /fn/route}). Known once the HTTP
 * server listens (StartupEvent comes before that); with port 0 Quarkus picks the port at start and
 * publishes it as a system property.
 */
@ApplicationScoped
public class LocalAddress {
    private volatile boolean listening;

    void listening(@ObservesAsync HttpServerStart started) {
        listening = true;
    }

    /** The HTTP port once the server listens; empty before. */
    public OptionalInt port() {
        if (!listening) {
            return OptionalInt.empty();
        }
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        String value = System.getProperty(key);
        if (value == null) {
            value = ConfigProvider.getConfig().getOptionalValue(key, String.class).orElse(null);
        }
        try {
            int port = value == null ? 0 : Integer.parseInt(value.trim());
            return port > 0 ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** An absolute URL for a stored target: a path gets this process' address, a URL stays as it is. */
    public String resolve(String target) {
        if (!target.startsWith("/")) {
            return target;
        }
        return "http://127.0.0.1:" + port().orElseThrow(() -> new IllegalStateException("HTTP server not listening yet")) + target;
    }
}
