package dev.sluice.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;

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
    /** {@code all} (the default: the four functions in this process) or {@code broker} (see {@link #main}). */
    public static final String MODE = "sluice.local.mode";
    /** In the broker-only mode: the database the functions run apart share, on this process' PostgreSQL. */
    static final String FUNCTIONS_DATABASE = "sluice";
    /** In the broker-only mode: the JDBC URL of {@link #FUNCTIONS_DATABASE}, written for scripts that start the functions. */
    static final String FUNCTIONS_JDBC_FILE = "functions-jdbc-url";
    /** route's static admin token for the API (see {@link AdminToken}). */
    static final String ADMIN_TOKEN = "sluice.api.admin-token";

    private static volatile LocalDatabase database;

    /**
     * The broker-only mode ({@code sluice.local.mode=broker}, system property or env {@code SLUICE_LOCAL_MODE}) is the
     * broker of the split topology (deploy/podman/topology.sh): the functions run apart, each in a process or container
     * of its own, at {@code sluice.local.function-urls}; this process is only their broker (Triggers from the same files,
     * the activator that starts a stopped function, the tick) and their PostgreSQL: database {@value #FUNCTIONS_DATABASE}
     * on the embedded server, its JDBC URL written to {@code <data dir>/functions-jdbc-url}. The in-process copies of the
     * functions receive nothing there, and their outbox relay is off.
     */
    public static void main(String... args) {
        Path dataDir = dataDir();
        boolean brokerOnly = "broker".equals(setting(MODE, "SLUICE_LOCAL_MODE"));
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
        if (brokerOnly) {
            try {
                Files.writeString(dataDir.resolve(FUNCTIONS_JDBC_FILE), functionsDatabase(database) + "\n");
            } catch (IOException | SQLException e) {
                System.err.println("cannot make the functions' database " + FUNCTIONS_DATABASE + ": " + e.getMessage());
                stopDatabase();
                System.exit(1);
                return;
            }
            System.setProperty(MODE, "broker");
            System.setProperty("sluice.outbox.enabled", "false");
        }
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
        if ("broker".equals(config.getOptionalValue(MODE, String.class).orElse("all"))) {
            System.out.printf("Sluice broker ready in %d ms: ingress %s/broker, functions at %s, their database %s, data %s%n",
                    startedMs, base, config.getOptionalValue("sluice.local.function-urls", String.class).orElse("(none)"),
                    Path.of(dataDir).resolve(FUNCTIONS_JDBC_FILE), dataDir);
        } else {
            System.out.printf("Sluice local ready in %d ms: broker ingress %s/broker, API %s/runs (Authorization: Bearer %s, kept in %s), "
                    + "dashboard %s/ (sign in with the same token), data %s%n",
                    startedMs, base, base, config.getValue(ADMIN_TOKEN, String.class), Path.of(dataDir).resolve(AdminToken.FILE), base, dataDir);
        }
        Quarkus.waitForExit();
        return 0;
    }

    static Path dataDir() {
        String dir = setting(DATA_DIR, "SLUICE_LOCAL_DATA_DIR");
        return Path.of(dir == null ? ".sluice-data" : dir).toAbsolutePath().normalize();
    }

    /** A setting read before Quarkus starts: the system property, else the environment variable, else null. */
    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Creates the functions' database unless it exists; returns its JDBC URL. */
    static String functionsDatabase(LocalDatabase db) throws SQLException {
        try (var c = DriverManager.getConnection(db.jdbcUrl(), LocalDatabase.USER, "");
                var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, FUNCTIONS_DATABASE);
            try (var rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (var create = c.createStatement()) {
                        create.execute("create database " + FUNCTIONS_DATABASE);
                    }
                }
            }
        }
        return "jdbc:postgresql://127.0.0.1:" + db.port() + "/" + FUNCTIONS_DATABASE;
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
