package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local pipeline's embedded PostgreSQL keeps its data in the data dir across restarts, even after a SIGKILL. */
class LocalDatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void dataWrittenBeforeAStopIsThereAfterTheNextStart() throws Exception {
        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            sql(db, "create table survivors (name text)", "insert into survivors values ('first start')");
        }
        assertThat(dataDir.resolve("postgres/postgresql.conf")).exists();
        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            assertThat(names(db)).containsExactly("first start");
        }
    }

    @Test
    void aSecondServerOnADataDirInUseIsRefused() throws Exception {
        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            assertThatThrownBy(() -> LocalDatabase.start(dataDir)).hasMessageContaining("in use");
            assertThat(names(db, "select 'still up'")).containsExactly("still up");
        }
    }

    @Test
    void aServerOrphanedByAKilledJvmIsStoppedAndItsDataKept() throws Exception {
        long orphanPid = killedChildWrote();
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).as("the orphan still runs").contains(true);

        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(names(db)).containsExactly("written by the killed process");
        }
    }

    @Test
    void aCommitSurvivesASigkillOfThePostgresServerRightAfterIt() throws Exception {
        // zonky turns synchronous_commit off by default: a commit would then be lost with the server's page cache
        long serverPid = killedChildWrote();
        ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(serverPid).ifPresent(p -> p.onExit().join());

        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            assertThat(names(db)).containsExactly("written by the killed process");
            assertThat(names(db, "show synchronous_commit")).containsExactly("on");
            assertThat(names(db, "show fsync")).containsExactly("on");
        }
    }

    @Test
    void aPostmasterKilledUnderARunningProcessIsStartedAgainOnTheSamePortWithItsData() throws Exception {
        try (LocalDatabase db = LocalDatabase.start(dataDir)) {
            sql(db, "create table survivors (name text)", "insert into survivors values ('before the kill')");
            int port = db.port();
            long postmaster = LocalDatabase.readPostmasterPid(db.directory());
            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown, no checkpoint

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> names = null;
            while (names == null && System.nanoTime() < deadline) {
                try {
                    names = names(db);
                } catch (SQLException down) {
                    Thread.sleep(100);
                }
            }
            assertThat(names).as("the server answers again within 60 s").containsExactly("before the kill");
            assertThat(db.port()).isEqualTo(port);
            // the server answers as soon as it is up, a moment before the watcher counts the restart
            while (db.restarts() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(db.restarts()).isEqualTo(1);
            assertThat(LocalDatabase.readPostmasterPid(db.directory())).isNotEqualTo(postmaster);
            sql(db, "insert into survivors values ('after the restart')");
            assertThat(names(db)).containsExactly("before the kill", "after the restart");
        }
    }

    @Test
    void aServerStoppedByCloseIsNotStartedAgain() throws Exception {
        LocalDatabase db = LocalDatabase.start(dataDir);
        long postmaster = LocalDatabase.readPostmasterPid(db.directory());
        db.close();
        Thread.sleep(1_500); // several watch intervals
        assertThat(LocalDatabase.isRunning(postmaster)).as("stopped (a zombie not yet reaped counts as stopped)").isFalse();
        assertThat(LocalDatabase.readPostmasterPid(db.directory())).as("no new postmaster.pid").isEqualTo(-1);
        assertThat(db.restarts()).isZero();
    }

    /** Runs {@link OrphanedDatabase} in a child JVM, SIGKILLs it once its row is committed; returns the server's pid. */
    private long killedChildWrote() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphanedDatabase.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && !line.equals(OrphanedDatabase.READY)) {
                lines.add(line);
            }
            assertThat(line).as("child output: " + lines).isEqualTo(OrphanedDatabase.READY);
        } finally {
            child.destroyForcibly(); // SIGKILL: the JVM gets no shutdown hook, its PostgreSQL keeps running
            child.waitFor(10, TimeUnit.SECONDS);
        }
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    /** Run in a child JVM: starts the database, writes a row, says so, then waits to be killed. */
    public static final class OrphanedDatabase {
        static final String READY = "orphan ready";

        public static void main(String[] args) throws Exception {
            LocalDatabase db = LocalDatabase.start(Path.of(args[0]));
            sql(db, "create table survivors (name text)", "insert into survivors values ('written by the killed process')");
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    static void sql(LocalDatabase db, String... statements) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static List<String> names(LocalDatabase db) throws SQLException {
        return names(db, "select name from survivors");
    }

    private static List<String> names(LocalDatabase db, String query) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    private static Connection connect(LocalDatabase db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), LocalDatabase.USER, "");
    }

    static {
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
