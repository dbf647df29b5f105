package dev.sluice.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The local pipeline's PostgreSQL: a real server started from the binaries zonky ships on Maven Central,
 * its data kept in {@code <data dir>/postgres} across restarts. zonky runs initdb only when the folder
 * has no {@code postgresql.conf} and, with cleanDataDirectory off, never deletes it. A watcher notices when the
 * postmaster dies and starts the server again on the same port and data, so the datasource reconnects by itself.
 */
public final class LocalDatabase implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalDatabase.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    private static final long WATCH_MS = 250;

    private final Path directory;
    private final int port;
    private final ScheduledExecutorService watcher;
    private volatile EmbeddedPostgres postgres;
    private volatile long postmasterPid;
    /** The postmaster's children as last seen: after its death they must be gone before a new server can take its memory. */
    private volatile List<ProcessHandle> lastChildren = List.of();
    private volatile boolean closed;
    private final AtomicInteger restarts = new AtomicInteger();
    private long watchTicks;

    private LocalDatabase(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
        this.port = postgres.getPort();
        this.postmasterPid = readPostmasterPid(directory);
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-local-postgres-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::watch, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts PostgreSQL on {@code dataDir/postgres}, creating it on first use and reusing it afterwards; watches it from then on. */
    public static LocalDatabase start(Path dataDir) throws IOException {
        Path directory = dataDir.toAbsolutePath().normalize().resolve("postgres");
        Files.createDirectories(directory);
        requireUnused(directory);
        stopOrphan(directory);
        return new LocalDatabase(server(directory, 0), directory);
    }

    /** port 0: a free one; a restart passes the old one so the datasource's URL stays right. */
    private static EmbeddedPostgres server(Path directory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setPort(port)
                // stopped by LocalPipeline after Quarkus has stopped, not concurrently with it
                .setRegisterShutdownHook(false)
                // zonky defaults to off, for tests: a commit (the broker's 202, a run's transition) must be on disk
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    /** How many times the server was started again after it died. */
    public int restarts() {
        return restarts.get();
    }

    /** Stops watching, then stops the server (a fast shutdown); the data stays. Safe to call twice. */
    @Override
    public void close() throws IOException {
        closed = true;
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(60, TimeUnit.SECONDS); // a restart in progress finishes before its server is stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postgres.close();
    }

    private void watch() {
        try {
            watchOnce();
        } catch (RuntimeException e) {
            // an exception would end the scheduled watch for good
            LOG.errorf(e, "watching PostgreSQL on %s", directory);
        }
    }

    private void watchOnce() {
        if (closed) {
            return;
        }
        long pid = postmasterPid;
        if (pid <= 0) {
            postmasterPid = readPostmasterPid(directory); // unknown: declare no death on it, look again
            return;
        }
        if (isRunning(pid)) {
            if (watchTicks++ % 8 == 0) {
                ProcessHandle.of(pid).ifPresent(p -> lastChildren = p.children().toList());
            }
            return;
        }
        long diedAt = System.nanoTime();
        LOG.errorf("PostgreSQL (postmaster pid %d) on %s has died; starting it again on port %d"
                + " (zonky's failing 'pg_ctl stop' of the dead server, logged next, is expected)", pid, directory, port);
        EmbeddedPostgres dead = postgres;
        try {
            dead.close(); // releases zonky's lock on the data directory; its "pg_ctl stop" of the dead server fails and says so
        } catch (IOException | RuntimeException e) {
            LOG.debugf("closing the dead server: %s", e);
        }
        awaitExit(lastChildren, Duration.ofSeconds(20));
        for (int attempt = 1; !closed; attempt++) {
            try {
                stopOrphan(directory);
                postgres = server(directory, port);
                postmasterPid = readPostmasterPid(directory);
                lastChildren = List.of();
                restarts.incrementAndGet();
                LOG.warnf("PostgreSQL is running again on port %d (postmaster pid %d), %d ms after it was found dead", port,
                        postmasterPid, (System.nanoTime() - diedAt) / 1_000_000);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.errorf("PostgreSQL did not start again on %s (attempt %d): %s", directory, attempt, e.getMessage());
                // a failed zonky start leaves its lock on epg-lock to the garbage collector; the next attempt needs it free
                System.gc();
                sleep(Math.min(5_000, 500L * attempt));
            }
        }
    }

    /** Alive and not a zombie: a killed postmaster nobody has reaped yet still has a process entry. */
    static boolean isRunning(long pid) {
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException e) {
            return true; // no /proc (not Linux): trust isAlive
        }
    }

    private static void awaitExit(List<ProcessHandle> processes, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle p : processes) {
            while (isRunning(p.pid()) && System.nanoTime() < deadline) {
                sleep(50);
            }
        }
    }

    static long readPostmasterPid(Path directory) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** zonky holds a file lock on epg-lock while a server runs: a held lock means a live process owns the data. */
    static void requireUnused(Path directory) throws IOException {
        Path lockFile = directory.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("the data directory " + directory + " is in use by another running process");
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw new IOException("the data directory " + directory + " is in use by this process already");
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its PostgreSQL running on the data directory, and a second server
     * cannot start there: stop the one named in postmaster.pid if it is still a live postgres process.
     */
    static void stopOrphan(Path directory) {
        long pid = readPostmasterPid(directory);
        if (pid <= 0) {
            return; // absent or unreadable: let PostgreSQL itself judge the stale file
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        orphan.ifPresent(p -> {
            LOG.warnf("stopping PostgreSQL %d left running on %s by a process that did not shut down", p.pid(), directory);
            p.destroy(); // SIGTERM: a smart shutdown, its clients are gone with the dead JVM
            try {
                p.onExit().get(15, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
            } catch (ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
