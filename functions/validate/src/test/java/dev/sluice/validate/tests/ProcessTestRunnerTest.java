package dev.sluice.validate.tests;

import static dev.sluice.validate.tests.PythonProjects.PYTEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.git.GitRepositories;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestRunnerException;
import dev.sluice.validate.tests.TestRunner.TestStatus;

/**
 * The process runner, for real: the host's python3 and pytest run two small projects from real git repositories.
 * The bean of the application is off (as by default); the tests switch on a runner of their own. Skipped without
 * python3 and pytest, unless SLUICE_REQUIRE names pytest.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ProcessTestRunnerTest {
    @Inject
    ProcessTestRunner configured;

    @Inject
    GitRepositories git;

    static Path workDir;

    @BeforeAll
    static void pytest() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import pytest").redirectErrorStream(true).start();
        if (p.waitFor() != 0) {
            String why = "the process runner's tests need python3 and pytest on the host (apt-get install python3-pytest)";
            if (PythonProjects.required("pytest")) {
                throw new AssertionError("SLUICE_REQUIRE names pytest, but " + why);
            }
            Assumptions.abort(why);
        }
        workDir = Files.createTempDirectory("sluice-process-tests");
    }

    @AfterAll
    static void removeWorkDir() throws Exception {
        if (workDir != null) {
            try (var walk = Files.walk(workDir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private ProcessTestRunner runner() {
        ProcessTestRunner r = new ProcessTestRunner();
        r.enabled = true;
        r.workDir = java.util.Optional.of(workDir.toString());
        r.git = git;
        return r;
    }

    @Test
    void offByDefault() {
        assertThat(configured.name()).isEqualTo("process");
        assertThat(configured.unavailable()).get().asString().contains("sluice.validate.tests.process.enabled=true");
        TestJob job = PythonProjects.job(PythonProjects.repository(false, Map.of()), PythonProjects.tests("any", PYTEST, "1m"));
        assertThatThrownBy(() -> configured.start(job)).isInstanceOf(TestRunnerException.class)
                .hasMessageContaining("sluice.validate.tests.process.enabled");
        assertThat(runner().unavailable()).isEmpty();
    }

    @Test
    void passingTestsPass() throws Exception {
        ProcessTestRunner runner = runner();
        TestJob job = PythonProjects.job(PythonProjects.repository(false, Map.of("run.sh", "#!/bin/sh\n" + PYTEST + "\n")),
                PythonProjects.tests("any", "test -x run.sh && ./run.sh", "2m"));
        assertThat(runner.start(job)).startsWith("started process ");
        assertThat(runner.start(job)).startsWith("already started");
        TestStatus.Finished f = PythonProjects.await(runner, job, Duration.ofSeconds(60));
        assertThat(f.outcome()).as(f.reason()).isEqualTo(TestsOutcome.PASSED);
        assertThat(f.exitCode()).isZero();
        assertThat(f.report().total()).isEqualTo(2);
        assertThat(f.report().passed()).isEqualTo(2);
        assertThat(f.report().files()).containsExactly("reports/junit.xml");
        assertThat(f.reason()).matches("2/2 tests passed in [0-9.]+ m?s");
        assertThat(f.endedAt()).isBefore(Instant.now());
        // asked again, it answers the same from the kept result, the copies gone
        assertThat(runner.status(job)).isEqualTo(f);
        assertThat(workDir.resolve(job.handle()).resolve("work")).doesNotExist();
        runner.stop(job);
        assertThat(workDir.resolve(job.handle())).doesNotExist();
        assertThat(runner.status(job)).isInstanceOfSatisfying(TestStatus.Finished.class,
                g -> assertThat(g.outcome()).isEqualTo(TestsOutcome.ERROR));
    }

    @Test
    void failingTestFails() throws Exception {
        ProcessTestRunner runner = runner();
        TestJob job = PythonProjects.job(PythonProjects.repository(true, Map.of()), PythonProjects.tests("any", PYTEST, "2m"));
        runner.start(job);
        TestStatus.Finished f = PythonProjects.await(runner, job, Duration.ofSeconds(60));
        PythonProjects.assertFailedSubtraction(f);
        runner.stop(job);
    }

    @Test
    void noReportsJudgedByExitCode() throws Exception {
        ProcessTestRunner runner = runner();
        PythonProjects.Commit c = PythonProjects.repository(false, Map.of());
        TestJob ok = PythonProjects.job(c, PythonProjects.tests("any", "python3 -c 'print(42)'", "1m"));
        TestJob bad = PythonProjects.job(c, PythonProjects.tests("any", "echo compiling; echo 'error: it broke' >&2; exit 3", "1m"));
        runner.start(ok);
        runner.start(bad);
        TestStatus.Finished passed = PythonProjects.await(runner, ok, Duration.ofSeconds(30));
        assertThat(passed.outcome()).isEqualTo(TestsOutcome.PASSED);
        assertThat(passed.report()).isNull();
        assertThat(passed.reason()).contains("no JUnit XML report found under **/target/surefire-reports/*.xml");
        TestStatus.Finished failed = PythonProjects.await(runner, bad, Duration.ofSeconds(30));
        assertThat(failed.outcome()).isEqualTo(TestsOutcome.FAILED);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.reason()).startsWith("the command exited with 3; no JUnit XML report found")
                .endsWith("its last lines:\ncompiling\nerror: it broke");
        runner.stop(ok);
        runner.stop(bad);
    }

    @Test
    void malformedReportIsAnError() throws Exception {
        ProcessTestRunner runner = runner();
        TestJob job = PythonProjects.job(PythonProjects.repository(false, Map.of()),
                PythonProjects.tests("any", "mkdir -p reports && printf '<testsuite><testcase name=\"x\">' > reports/junit.xml", "1m"));
        runner.start(job);
        TestStatus.Finished f = PythonProjects.await(runner, job, Duration.ofSeconds(30));
        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).startsWith("the test reports cannot be read: ").contains("reports/junit.xml");
        runner.stop(job);
    }

    @Test
    void timeoutKillsTheTree() throws Exception {
        ProcessTestRunner runner = runner();
        // a child in the foreground, and one in the background that ignores SIGTERM: both must go
        TestJob job = PythonProjects.job(PythonProjects.repository(false, Map.of()),
                PythonProjects.tests("any", "(trap '' TERM; exec sleep 300) & echo $! > bg.pid; sleep 301", "2s"));
        runner.start(job);
        Path bgPid = workDir.resolve(job.handle()).resolve("work/bg.pid");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.isRegularFile(bgPid) || Files.readString(bgPid).isBlank()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        long background = Long.parseLong(Files.readString(bgPid).trim());
        assertThat(ProcessHandle.of(background)).isPresent();
        TestStatus.Finished f = PythonProjects.await(runner, job, Duration.ofSeconds(30));
        assertThat(f.outcome()).isEqualTo(TestsOutcome.TIMED_OUT);
        assertThat(f.reason()).contains("ran longer than their timeout of 2s");
        assertThat(running(background)).isFalse();
        runner.stop(job);
    }

    /** Whether the process runs (a zombie, killed but not yet reaped by init, does not). */
    private static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    @Test
    void badHandleRefused() {
        TestJob job = new TestJob("../escape", java.util.UUID.randomUUID(), 1, "/nonexistent", "0".repeat(40),
                PythonProjects.tests("any", PYTEST, "1m"));
        assertThatThrownBy(() -> runner().start(job)).isInstanceOf(TestRunnerException.class).hasMessageContaining("handle");
    }
}
