package dev.sluice.validate.tests;

import java.time.Instant;
import java.util.UUID;

import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.tests.TestReport;

/**
 * Runs a repository's own tests somewhere (issue 16): in a Kubernetes Job, a podman container, or a child process.
 * validate keeps no state of its own about an execution: everything it needs is in the {@link TestJob} each request and
 * each check carries, and the {@code handle} names the execution where it runs (a container, a Job), so a function that
 * scaled to zero or restarted in between still answers a check.
 */
public interface TestRunner {

    /** The name of this runner, as {@code sluice.validate.tests.runner} selects it: kubernetes, podman or process. */
    String name();

    /**
     * Whether this runner can run tests here (podman installed, a cluster reachable, the process runner switched on);
     * when it cannot, a line saying why. validate's tests handler selects by {@code sluice.validate.tests.runner}
     * ({@code auto}: kubernetes in a cluster, else podman, else none) and asks this first.
     */
    java.util.Optional<String> unavailable();

    /**
     * Starts the tests of the job, unless an execution of its handle exists already (a redelivered request): then it
     * changes nothing. Returns a line for the run's history ("started in podman container sluice-tests-…").
     * Throws {@link TestRunnerException} when they cannot be started (no such image, the commit cannot be checked out).
     */
    String start(TestJob job);

    /** How the execution of the job's handle is doing; {@link TestStatus.Finished} once it ended (or never existed). */
    TestStatus status(TestJob job);

    /** Stops the execution and removes what it left (containers, Jobs, working copies); nothing if it is gone. */
    void stop(TestJob job);

    /** One execution: a run's attempt. */
    record TestJob(String handle, UUID runId, int attempt, String repositoryUrl, String sha, SluiceSettings.Tests tests) {
    }

    sealed interface TestStatus {
        /** Still running; {@code detail} in words ("running for 42 s"). */
        record Running(String detail) implements TestStatus {
        }

        /** Ended: what the reports say (null when none could be read), the command's exit code (null if unknown). */
        record Finished(TestsOutcome outcome, TestReport report, Integer exitCode, String reason, Instant endedAt)
                implements TestStatus {
        }
    }

    /** The tests cannot be run: the message says why, for the run's history. */
    class TestRunnerException extends RuntimeException {
        public TestRunnerException(String message, Throwable cause) {
            super(message, cause);
        }

        public TestRunnerException(String message) {
            super(message);
        }
    }
}
