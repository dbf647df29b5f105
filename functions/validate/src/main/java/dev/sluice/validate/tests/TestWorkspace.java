package dev.sluice.validate.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;

import dev.sluice.events.EventCodec;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestRunnerException;
import dev.sluice.validate.tests.TestRunner.TestStatus.Finished;

/**
 * The folder of one execution of a local runner, {@code <work-dir>/<handle>/}: {@code checkout/} (the commit's tree,
 * read-only for the tests), {@code work/} (the writable copy the command runs in), the runner's own files (pid, exit
 * code, log) and {@code result.json}, the finished status once judged, so that a later check answers the same after the
 * process or container is gone. Everything a check needs is in these files: a runner keeps no state in memory.
 */
final class TestWorkspace {
    /** A handle names a folder and a container: letters, digits, '.', '_', '-'; no path. */
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    static final String RESULT = "result.json";

    private final Path dir;

    private TestWorkspace(Path dir) {
        this.dir = dir;
    }

    /** The folder of the job's execution under {@code workDir} (absolute; java.io.tmpdir/sluice-tests when absent). */
    static TestWorkspace of(Optional<String> workDir, TestJob job) {
        Path root = Path.of(workDir.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "sluice-tests").toString()))
                .toAbsolutePath().normalize();
        if (job.handle() == null || !HANDLE.matcher(job.handle()).matches()) {
            throw new TestRunnerException("handle '" + job.handle() + "' is not a name of letters, digits, '.', '_' or '-'");
        }
        return new TestWorkspace(root.resolve(job.handle()));
    }

    Path dir() {
        return dir;
    }

    Path checkout() {
        return dir.resolve("checkout");
    }

    Path work() {
        return dir.resolve("work");
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    boolean exists() {
        return Files.isDirectory(dir);
    }

    /** Makes the folder; false when it exists already (the execution was started before: a redelivered request). */
    boolean create() {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new TestRunnerException("cannot make the folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the tree of the job's commit into {@code checkout/} (executable bits and symbolic links as git records
     * them; submodules are left out) and copies it to {@code work/}.
     */
    void checkOut(GitRepositories git, TestJob job) {
        Repository repo;
        try {
            repo = git.repositoryWith(job.repositoryUrl(), job.sha());
        } catch (GitAccessException e) {
            throw new TestRunnerException("cannot check out " + job.sha() + ": " + e.getMessage(), e);
        }
        RevCommit commit = GitRepositories.commit(repo, job.sha());
        Path target = checkout();
        try (TreeWalk walk = new TreeWalk(repo)) {
            Files.createDirectories(target);
            target = target.toRealPath();
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                Path path = target.resolve(walk.getPathString()).normalize();
                if (!path.startsWith(target) || mode == FileMode.GITLINK || underLink(target, path)) {
                    continue; // a submodule, or a path under a symbolic link of the tree: never written through it
                }
                Files.createDirectories(path.getParent());
                ObjectLoader loader = repo.open(walk.getObjectId(0));
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(path, Path.of(new String(loader.getBytes(), StandardCharsets.UTF_8)));
                    continue;
                }
                try (InputStream in = loader.openStream()) {
                    Files.copy(in, path);
                }
                if (mode == FileMode.EXECUTABLE_FILE) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                    perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_EXECUTE));
                    Files.setPosixFilePermissions(path, perms);
                }
            }
        } catch (IOException e) {
            throw new TestRunnerException("cannot check out " + job.sha() + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean underLink(Path root, Path path) {
        Path at = root;
        for (Path name : root.relativize(path.getParent())) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                return true;
            }
        }
        return false;
    }

    /** Copies {@code checkout/} to {@code work/}, keeping permissions; links stay links. */
    void copyCheckoutToWork() {
        Path from = checkout();
        Path to = work();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new TestRunnerException("cannot copy the checkout to " + to + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a check answers without looking at the execution: an error when there is no folder (stopped, or never
     * started here), else the status judged before, if any.
     */
    Optional<Finished> ended(TestJob job) {
        if (!exists()) {
            return Optional.of(new Finished(TestsOutcome.ERROR, null, null, "no execution of " + job.handle()
                    + " here: it was stopped, or never started", Instant.now()));
        }
        return result();
    }

    /** Removes what a start that failed made; returns what to throw. */
    TestRunnerException abandon(Exception e) {
        remove();
        return e instanceof TestRunnerException t ? t : new TestRunnerException("cannot start the tests: " + e.getMessage(), e);
    }

    /** The finished status judged before, if any. */
    Optional<Finished> result() {
        Path file = file(RESULT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventCodec.json().readValue(file.toFile(), Finished.class));
        } catch (IOException e) {
            throw new TestRunnerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the finished status (written whole, then moved in place: a reader never sees half of it). */
    Finished keep(Finished finished) {
        try {
            Path tmp = file(RESULT + ".tmp");
            EventCodec.json().writeValue(tmp.toFile(), finished);
            Files.move(tmp, file(RESULT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return finished;
        } catch (IOException e) {
            throw new TestRunnerException("cannot write " + file(RESULT) + ": " + e.getMessage(), e);
        }
    }

    String read(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    void write(String name, String content) {
        try {
            Files.writeString(file(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code checkout/} and {@code work/} (what the tests left), keeping the runner's own files. */
    void removeCopies() {
        delete(checkout());
        delete(work());
    }

    /** Removes the whole folder. */
    void remove() {
        delete(dir);
    }

    private static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
                    // a folder the tests made read-only would keep its files
                    p.toFile().setWritable(true, true);
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new TestRunnerException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of a file (reads at most its last 64 KiB). */
    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - 65536);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            return lastLines(new String(buf, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "";
        }
    }

    static String lastLines(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** {@code tests.timeout} ({@code 90s}, {@code 15m}, {@code 1h}, {@code 500ms}) as a duration. */
    static Duration timeout(String timeout) {
        try {
            return SluiceSettings.Tests.parseTimeout(timeout);
        } catch (SettingsException e) {
            throw new TestRunnerException(e.getMessage());
        }
    }

    /** Words for a duration: "42 s", "3 min 5 s". */
    static String words(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    static Instant parseInstant(String s) {
        try {
            return s == null || s.isBlank() ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What a command printed and how it exited; {@code exitCode} -1 when it ran longer than its limit and was killed. */
    record Output(int exitCode, String text) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a short command (a CLI call), output and errors together, killed after {@code limit}. */
    static Output run(List<String> command, Duration limit) {
        Path out = null;
        try {
            out = Files.createTempFile("sluice-cli", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Output(-1, String.join(" ", command) + " did not answer within " + words(limit));
            }
            return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Output(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(-1, "interrupted while running " + command.get(0));
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** The command of the settings as arguments: one string runs with {@code sh -c}. */
    static List<String> command(TestJob job) {
        List<String> command = job.tests().command();
        if (command == null || command.isEmpty()) {
            throw new TestRunnerException("tests.command is empty");
        }
        return command.size() == 1 ? List.of("sh", "-c", command.get(0)) : new ArrayList<>(command);
    }
}
