package dev.sluice.validate.tests;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.git.GitRepositories;

/**
 * Runs the tests as a child process of validate, in a writable copy of the commit's checkout under
 * {@code sluice.validate.tests.work-dir}: no container, so no network or resource limits, and the tests run with
 * validate's user. Off unless {@code sluice.validate.tests.process.enabled=true}, for a machine without podman whose
 * owner trusts the repositories it runs.
 * <p>
 * The command runs detached, in a session of its own under {@code setsid} and {@code timeout}, from a small shell
 * wrapper that writes its exit code to {@code exit} in the execution's folder; {@code started} and {@code pid} are
 * written when it starts. {@link #status} reads only these files, so it answers in any request, even after a restart.
 */
@ApplicationScoped
public class ProcessTestRunner implements TestRunner {
    static final String NAME = "process";
    /** Runs the command in the writable copy, then records its exit code (written whole, then moved in place). */
    private static final String WRAPPER = "timeout -k 5 \"$SLUICE_TESTS_TIMEOUT\" \"$@\"; echo $? > ../exit.tmp; mv ../exit.tmp ../exit";

    @ConfigProperty(name = "sluice.validate.tests.process.enabled", defaultValue = "false")
    boolean enabled;

    @ConfigProperty(name = "sluice.validate.tests.work-dir", defaultValue = "${java.io.tmpdir}/sluice-tests")
    String workDir;

    @Inject
    GitRepositories git;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailable() {
        if (!enabled) {
            return Optional.of("the process runner runs tests unisolated on validate's machine: it is off unless "
                    + "sluice.validate.tests.process.enabled=true");
        }
        for (String tool : List.of("sh", "setsid", "timeout")) {
            if (onPath(tool) == null) {
                return Optional.of("the process runner needs " + tool + " on the PATH");
            }
        }
        return Optional.empty();
    }

    @Override
    public String start(TestJob job) {
        unavailable().ifPresent(why -> {
            throw new TestRunnerException(why);
        });
        TestWorkspace ws = TestWorkspace.of(Path.of(workDir), job);
        Duration timeout = TestWorkspace.timeout(job.tests().timeout());
        List<String> command = TestWorkspace.command(job);
        if (!ws.create()) {
            return "already started in " + ws.dir();
        }
        try {
            ws.checkOut(git, job);
            ws.copyCheckoutToWork();
            List<String> argv = new ArrayList<>(List.of("setsid", "sh", "-c", WRAPPER, "sluice-tests"));
            argv.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(ws.work().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ws.file("log").toFile());
            // nothing of validate's environment (keys, tokens) reaches the tests
            Map<String, String> env = pb.environment();
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.clear();
            env.put("PATH", path);
            env.put("HOME", ws.work().toString());
            env.put("LANG", "C.UTF-8");
            env.put("CI", "true");
            env.put("SLUICE_TESTS_TIMEOUT", Math.max(1, timeout.toMillis() / 1000) + "s");
            ws.write("started", Instant.now().toString());
            Process p = pb.start();
            ws.write("pid", Long.toString(p.pid()));
            return "started process " + p.pid() + " in " + ws.work();
        } catch (IOException | RuntimeException e) {
            ws.remove();
            if (e instanceof TestRunnerException t) {
                throw t;
            }
            throw new TestRunnerException("cannot start the tests: " + e.getMessage(), e);
        }
    }

    @Override
    public TestStatus status(TestJob job) {
        TestWorkspace ws = TestWorkspace.of(Path.of(workDir), job);
        if (!ws.exists()) {
            return gone(job);
        }
        Optional<TestStatus.Finished> kept = ws.result();
        if (kept.isPresent()) {
            return kept.get();
        }
        Duration timeout = TestWorkspace.timeout(job.tests().timeout());
        Instant started = TestWorkspace.parseInstant(ws.read("started"));
        Optional<ProcessHandle> process = process(ws);
        String exit = ws.read("exit");
        if (exit == null && process.isPresent()) {
            Duration ran = Duration.between(started == null ? Instant.now() : started, Instant.now());
            if (ran.compareTo(timeout) <= 0) {
                return new TestStatus.Running("running for " + TestWorkspace.words(ran) + " as process " + process.get().pid());
            }
            killSession(process.get().pid());
            return finish(ws, job, null, true, Instant.now());
        }
        if (exit == null) {
            exit = ws.read("exit"); // it may have ended between the two reads
        }
        if (exit == null) {
            return finish(ws, job, null, false, Instant.now());
        }
        Integer code = parseInt(exit);
        Instant ended = modified(ws.file("exit"));
        // timeout(1) ends it with 124 (or 137 when it had to kill): that is a timeout when it ran that long
        boolean timedOut = code != null && (code == 124 || code == 137) && started != null
                && Duration.between(started, ended).compareTo(timeout) >= 0;
        return finish(ws, job, code, timedOut, ended);
    }

    private TestStatus.Finished finish(TestWorkspace ws, TestJob job, Integer code, boolean timedOut, Instant ended) {
        Integer pid = parseInt(ws.read("pid"));
        if (pid != null) {
            killSession(pid); // what the tests left running in the background
        }
        String cause = code == null && !timedOut ? "the process ended without recording its exit code (killed?)" : null;
        TestStatus.Finished f = Verdicts.judge(ws, job, code, timedOut, cause,
                () -> TestWorkspace.tail(ws.file("log"), Verdicts.LOG_LINES), ended);
        ws.keep(f);
        ws.removeCopies();
        return f;
    }

    static TestStatus.Finished gone(TestJob job) {
        return new TestStatus.Finished(TestsOutcome.ERROR, null, null, "no execution of " + job.handle()
                + " here: it was stopped, or never started", Instant.now());
    }

    @Override
    public void stop(TestJob job) {
        TestWorkspace ws = TestWorkspace.of(Path.of(workDir), job);
        if (!ws.exists()) {
            return;
        }
        Integer pid = parseInt(ws.read("pid"));
        if (pid != null && ws.result().isEmpty()) {
            killSession(pid);
        }
        ws.remove();
    }

    /** The wrapper's process, if it still runs (and is the one started: a reused pid started later is not). */
    private static Optional<ProcessHandle> process(TestWorkspace ws) {
        Integer pid = parseInt(ws.read("pid"));
        Instant started = TestWorkspace.parseInstant(ws.read("started"));
        if (pid == null) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> started == null
                || h.info().startInstant().map(s -> !s.isBefore(started.minusSeconds(2))).orElse(true));
    }

    /**
     * Kills every process of the wrapper's session (setsid made the wrapper its leader): the command and whatever it
     * left in the background, which outlives the wrapper as an orphan. A process that made a session of its own escapes.
     */
    static void killSession(long sid) {
        if (sid <= 1 || sid == session(ProcessHandle.current().pid())) {
            return;
        }
        ProcessHandle.allProcesses().filter(h -> session(h.pid()) == sid).forEach(ProcessHandle::destroyForcibly);
    }

    /** The session id of a process, from /proc; -1 when it is gone. */
    private static long session(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses, so count from the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
