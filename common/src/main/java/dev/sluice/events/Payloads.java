package dev.sluice.events;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sluice.settings.ResolvedSettings;

/**
 * The data of every dev.sluice.* event, one record per type (DESIGN.md, "Events").
 * {@code attempt} numbers the request a result answers, so route can tell a stale result.
 */
public final class Payloads {
    private Payloads() {
    }

    /** dev.sluice.push: a normalised push from any forge. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Push(Repository repository, String ref, String before, String after, List<Commit> commits,
            String pusher, Boolean forced) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String url, String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Commit(String id, List<String> added, List<String> modified, List<String> removed) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AnalysisRequested(UUID runId, int attempt, String repositoryUrl, String ref, String before,
            String after, Boolean forced) {
    }

    public enum Decision {
        APPROVE, NEEDS_REVIEW, REJECT
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AnalysisCompleted(UUID runId, int attempt, Decision decision, int riskScore, double confidence,
            List<String> factors, ResolvedSettings settings) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ValidationRequested(UUID runId, int attempt, String repositoryUrl, String sha, String environment,
            String namespace) {
    }

    /**
     * Start the tests of {@code sha} as {@code tests} says. {@code handle} names the execution (a container, a Job) and
     * is the same for every delivery of one attempt, so a redelivered request starts nothing twice.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TestsRequested(UUID runId, int attempt, String handle, String repositoryUrl, String sha,
            dev.sluice.settings.SluiceSettings.Tests tests) {
    }

    /**
     * How are the tests of this attempt doing? Carries what a stateless validate needs to answer. With {@code stop}
     * true, route says the run left TESTING (the tests ended, or the run was superseded, cancelled or timed out):
     * validate stops the execution and removes what it left, and replies nothing.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TestsCheck(UUID runId, int attempt, String handle, String repositoryUrl, String sha,
            dev.sluice.settings.SluiceSettings.Tests tests, Boolean stop) {
    }

    /** The tests started ({@code phase} {@code started}) or are still running ({@code running}); {@code detail} in words. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TestsProgressed(UUID runId, int attempt, String handle, String phase, String detail) {
    }

    public enum TestsOutcome {
        /** every test passed (or was skipped) */
        PASSED,
        /** a test failed or erred, or the command exited non-zero */
        FAILED,
        /** the tests ran out of their timeout */
        TIMED_OUT,
        /** the tests could not be run or their reports not read: the reason says why */
        ERROR
    }

    /** The tests ended: counts, durations and the first failures in {@code report}, and a one-line {@code reason}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TestsCompleted(UUID runId, int attempt, String handle, TestsOutcome outcome, Integer exitCode,
            dev.sluice.tests.TestReport report, String reason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ValidationCompleted(UUID runId, int attempt, boolean passed, Map<String, Integer> counts,
            String summary) {
    }

    /**
     * {@code retry} is true for a run a person retried: deploy then deploys a commit it rolled back before.
     * {@code project}: the project route resolved for the run (deploy resolves it again from the commit and refuses a
     * mismatch); absent from older senders.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeploymentRequested(UUID runId, int attempt, String repositoryUrl, String environment,
            String namespace, String sha, String strategy, Boolean retry, String project) {
        public DeploymentRequested(UUID runId, int attempt, String repositoryUrl, String environment, String namespace,
                String sha, String strategy) {
            this(runId, attempt, repositoryUrl, environment, namespace, sha, strategy, null, null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** route's tick, passed on to deploy for its drift check; deploy decides by its own interval whether one is due. */
    public record DriftCheck(java.time.Instant tick) {
    }

    public record DeploymentCheck(UUID runId, int attempt, String releaseId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeploymentProgressed(UUID runId, int attempt, String releaseId, int step, int trafficPercent,
            String health) {
    }

    public enum Outcome {
        VERIFIED, ROLLED_BACK, FAILED
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeploymentCompleted(UUID runId, int attempt, Outcome outcome, String releaseId, String reason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepFailed(UUID runId, int attempt, String stage, String error, boolean retryable) {
    }

    /** dev.sluice.run.approve / .reject / .cancel / .retry */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunCommand(UUID runId, String by, String reason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunFinished(UUID runId, String state, String summary, String repositoryUrl, String ref,
            String sha, String environment) {
    }
}
