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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The local pipeline's PostgreSQL: a real server started from the binaries zonky ships on Maven Central,
 * its data kept in {@code <data dir>/postgres} across restarts. zonky runs initdb only when the folder
 * has no {@code postgresql.conf} and, with cleanDataDirectory off, never deletes it.
 */
public final class LocalDatabase implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalDatabase.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private LocalDatabase(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    /** Starts PostgreSQL on {@code dataDir/postgres}, creating it on first use and reusing it afterwards. */
    public static LocalDatabase start(Path dataDir) throws IOException {
        Path directory = dataDir.toAbsolutePath().normalize().resolve("postgres");
        Files.createDirectories(directory);
        requireUnused(directory);
        stopOrphan(directory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                // stopped by LocalPipeline after Quarkus has stopped, not concurrently with it
                .setRegisterShutdownHook(false)
                // zonky defaults to off, for tests: a commit (the broker's 202, a run's transition) must be on disk
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
        return new LocalDatabase(postgres, directory);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path directory() {
        return directory;
    }

    /** Stops the server (a fast shutdown); the data stays. Safe to call twice. */
    @Override
    public void close() throws IOException {
        postgres.close();
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
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        Optional<ProcessHandle> orphan;
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
            orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return; // unreadable: let PostgreSQL itself judge the stale file
        }
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
