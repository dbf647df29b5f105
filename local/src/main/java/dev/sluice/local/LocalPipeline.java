package dev.sluice.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import dev.sluice.events.EventCodec;

/**
 * The whole pipeline in one process: starts an embedded PostgreSQL whose data survives restarts, points
 * the datasource at it, then runs Quarkus with all four functions and the local broker. PostgreSQL is
 * stopped after Quarkus has stopped, on a normal exit and on SIGTERM/SIGINT alike.
 *
 * <p>Data directory: system property {@code sluice.local.data-dir}, else env {@code SLUICE_LOCAL_DATA_DIR},
 * else {@code .sluice-data} in the working directory. The API's admin token is {@code <data dir>/admin-token}.
 */
@QuarkusMain
public class LocalPipeline implements QuarkusApplication {
    public static final String DATA_DIR = "sluice.local.data-dir";
    /** route's static admin token for the API (see {@link AdminToken}). */
    static final String ADMIN_TOKEN = "sluice.api.admin-token";

    private static volatile LocalDatabase database;

    public static void main(String... args) {
        Path dataDir = dataDir();
        try {
            database = LocalDatabase.start(dataDir);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot start the embedded PostgreSQL in " + dataDir.resolve("postgres") + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            System.setProperty(ADMIN_TOKEN, AdminToken.loadOrCreate(dataDir));
        } catch (IOException e) {
            System.err.println("cannot read or write the API admin token " + dataDir.resolve(AdminToken.FILE) + ": " + e.getMessage());
            stopDatabase();
            System.exit(1);
            return;
        }
        configure(dataDir, database);
        Runtime.getRuntime().addShutdownHook(new Thread(LocalPipeline::stopDatabaseAfterQuarkus, "sluice-local-postgres-stop"));
        Quarkus.run(LocalPipeline.class, (code, failure) -> {
            if (failure != null) {
                // with an exit handler of its own, Quarkus leaves reporting a failed start to it
                Logger.getLogger(LocalPipeline.class).errorf(failure, "Sluice local failed to start: %s", EventCodec.rootMessage(failure));
            }
            stopDatabase();
            if (!ApplicationLifecycleManager.isVmShuttingDown()) {
                System.exit(code);
            }
        }, args);
    }

    /** Runs once Quarkus has started: prints where it listens, then waits for the exit signal. */
    @Override
    public int run(String... args) {
        var config = ConfigProvider.getConfig();
        String base = "http://127.0.0.1:" + config.getValue("quarkus.http.port", Integer.class);
        long startedMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        String dataDir = config.getValue(DATA_DIR, String.class);
        System.out.printf("Sluice local ready in %d ms: broker ingress %s/broker, API %s/runs (Authorization: Bearer %s, kept in %s), "
                + "dashboard %s/ (sign in with the same token), data %s%n",
                startedMs, base, base, config.getValue(ADMIN_TOKEN, String.class), Path.of(dataDir).resolve(AdminToken.FILE), base, dataDir);
        Quarkus.waitForExit();
        return 0;
    }

    static Path dataDir() {
        String dir = System.getProperty(DATA_DIR);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("SLUICE_LOCAL_DATA_DIR");
        }
        return Path.of(dir == null || dir.isBlank() ? ".sluice-data" : dir).toAbsolutePath().normalize();
    }

    /** System properties win over application.properties: the datasource and the git cache follow the data dir. */
    static void configure(Path dataDir, LocalDatabase db) {
        System.setProperty(DATA_DIR, dataDir.toString());
        System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
        System.setProperty("quarkus.datasource.username", LocalDatabase.USER);
        System.setProperty("quarkus.datasource.password", "");
        if (System.getProperty("sluice.git.cache-dir") == null && System.getenv("SLUICE_GIT_CACHE_DIR") == null) {
            System.setProperty("sluice.git.cache-dir", dataDir.resolve("git").toString());
        }
    }

    private static void stopDatabaseAfterQuarkus() {
        Application app = Application.currentApplication();
        if (app != null) {
            // Quarkus' own hook stops the app; wait for it (bounded) so no transaction sees the database vanish
            Thread waiter = new Thread(app::awaitShutdown, "sluice-local-await-quarkus");
            waiter.setDaemon(true);
            waiter.start();
            try {
                waiter.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopDatabase();
    }

    private static void stopDatabase() {
        LocalDatabase db = database;
        if (db != null) {
            try {
                db.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("could not stop the embedded PostgreSQL: " + e.getMessage());
            }
        }
    }
}
