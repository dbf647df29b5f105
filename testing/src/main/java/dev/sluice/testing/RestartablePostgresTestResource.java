package dev.sluice.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL a test can stop and start again under a running function, on the same port and data
 * directory, as an external database restarts or fails over. Use with
 * {@code @QuarkusTestResource(value = RestartablePostgresTestResource.class, restrictToAnnotatedClass = true)}.
 */
public class RestartablePostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private static Path dataDirectory;
    private static int port;
    private static volatile EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            dataDirectory = Files.createTempDirectory("sluice-restartable-pg");
            postgres = server(0);
            port = postgres.getPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    /** Stops the server (a fast shutdown: open connections are cut); its data stays. */
    public static synchronized void stopDatabase() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop embedded PostgreSQL", e);
        }
    }

    /** Starts the server again on the port and data directory it had. */
    public static synchronized void startDatabase() {
        try {
            postgres = server(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL again on port " + port, e);
        }
    }

    private static EmbeddedPostgres server(int onPort) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(onPort).start();
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the process is going away with the test JVM
            }
        }
    }
}
