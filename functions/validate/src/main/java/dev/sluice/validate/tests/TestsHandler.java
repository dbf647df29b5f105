package dev.sluice.validate.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.events.Payloads.TestsCheck;
import dev.sluice.events.Payloads.TestsCompleted;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.events.Payloads.TestsProgressed;
import dev.sluice.events.Payloads.TestsRequested;
import dev.sluice.git.RepositoryAllowlist;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestStatus;

/**
 * validate's test gate (issue 16). {@code dev.sluice.tests.requested}: starts the repository's own tests with the runner
 * {@code sluice.validate.tests.runner} names and replies {@code dev.sluice.tests.progressed} (phase started).
 * {@code dev.sluice.tests.check}: asks the runner how the execution is doing and replies tests.progressed (running) or
 * {@code dev.sluice.tests.completed} (the report, exit code and reason); with {@code stop} it stops the execution and
 * removes what it left, and replies nothing. validate keeps nothing between events: each carries the handle and the
 * tests, and the runner finds the execution by its handle.
 * <p>
 * No runner here, a runner that cannot run here, or one that throws: tests.completed ERROR with the reason, never a 500
 * (route fails the run saying why). A repository the allowlist refuses: step.failed (stage "tests"), not retryable, as
 * for validation.
 */
@ApplicationScoped
public class TestsHandler implements EventHandler {
    private static final Logger LOG = Logger.getLogger(TestsHandler.class);
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    static final String FUNCTION = "validate";
    /** The stage step.failed names for the tests (route: TESTING). */
    static final String STAGE = "tests";

    /** auto (kubernetes in a cluster, else podman, else process when it is switched on), kubernetes, podman, process or none. */
    @ConfigProperty(name = "sluice.validate.tests.runner", defaultValue = "auto")
    String runner;

    /** Set in a Kubernetes pod (KUBERNETES_SERVICE_HOST): auto picks the kubernetes runner. */
    @ConfigProperty(name = "kubernetes.service.host")
    Optional<String> kubernetesServiceHost;

    @Inject
    @Any
    Instance<TestRunner> runners;

    @Inject
    RepositoryAllowlist allowlist;

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.TESTS_REQUESTED, EventTypes.TESTS_CHECK);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        if (EventTypes.TESTS_REQUESTED.equals(event.getType())) {
            TestsRequested r = EventCodec.data(event, TestsRequested.class);
            return start(job(r.runId(), r.attempt(), r.handle(), r.repositoryUrl(), r.sha(), r.tests()));
        }
        if (EventTypes.TESTS_CHECK.equals(event.getType())) {
            TestsCheck c = EventCodec.data(event, TestsCheck.class);
            TestJob job = job(c.runId(), c.attempt(), c.handle(), c.repositoryUrl(), c.sha(), c.tests());
            return Boolean.TRUE.equals(c.stop()) ? stop(job) : check(job);
        }
        throw new BadEventException("validate's tests handler does not handle " + event.getType());
    }

    private List<CloudEvent> start(TestJob job) {
        Optional<String> refused = allowlist.refusal(job.repositoryUrl());
        if (refused.isPresent()) {
            LOG.warnf("run %s attempt %d: tests refused: %s", job.runId(), job.attempt(), refused.get());
            return List.of(EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, job.runId(),
                    new StepFailed(job.runId(), job.attempt(), STAGE, refused.get(), false)));
        }
        Selected selected = select();
        if (selected.runner() == null) {
            return completed(job, TestsOutcome.ERROR, null, selected.why());
        }
        String line;
        try {
            line = selected.runner().start(job);
        } catch (RuntimeException e) {
            LOG.warnf(e, "run %s attempt %d: the %s runner could not start the tests", job.runId(), job.attempt(), selected.runner().name());
            return completed(job, TestsOutcome.ERROR, null, "the " + selected.runner().name() + " runner could not start the tests: "
                    + EventCodec.rootMessage(e));
        }
        LOG.infof("run %s attempt %d: tests %s", job.runId(), job.attempt(), line);
        return List.of(progressed(job, "started", line));
    }

    private List<CloudEvent> check(TestJob job) {
        Selected selected = select();
        if (selected.runner() == null) {
            return completed(job, TestsOutcome.ERROR, null, selected.why());
        }
        TestStatus status;
        try {
            status = selected.runner().status(job);
        } catch (RuntimeException e) {
            // a check that cannot be answered now (the cluster or podman busy, a connection dropped) decides nothing:
            // the tests may be running fine. The next tick asks again; route's TESTING timeout ends a wait that never ends.
            LOG.warnf(e, "run %s attempt %d: the %s runner could not tell how the tests are doing", job.runId(), job.attempt(),
                    selected.runner().name());
            return List.of(progressed(job, "running", "the " + selected.runner().name() + " runner could not tell how the tests are"
                    + " doing (" + EventCodec.rootMessage(e) + "); asking again on the next tick"));
        }
        if (status instanceof TestStatus.Running running) {
            return List.of(progressed(job, "running", running.detail()));
        }
        TestStatus.Finished f = (TestStatus.Finished) status;
        TestsOutcome outcome = f.outcome() == null ? TestsOutcome.ERROR : f.outcome();
        LOG.infof("run %s attempt %d: tests %s (exit code %s)%s", job.runId(), job.attempt(), outcome, f.exitCode(),
                f.reason() == null ? "" : ": " + f.reason());
        return List.of(EventCodec.event(EventTypes.TESTS_COMPLETED, FUNCTION, job.runId(), new TestsCompleted(job.runId(),
                job.attempt(), job.handle(), outcome, f.exitCode(), f.report(),
                f.outcome() == null && f.reason() == null ? "the runner gave no outcome" : f.reason())));
    }

    /** The run left TESTING: stop what may still run and remove what the execution left. Replies nothing. */
    private List<CloudEvent> stop(TestJob job) {
        Selected selected = select();
        if (selected.runner() != null) {
            try {
                selected.runner().stop(job);
                LOG.infof("run %s attempt %d: tests %s stopped and removed", job.runId(), job.attempt(), job.handle());
            } catch (RuntimeException e) {
                // the run has moved on: nothing to tell route; the runner's own timeout ends what is left
                LOG.warnf(e, "run %s attempt %d: could not stop the tests %s", job.runId(), job.attempt(), job.handle());
            }
        }
        return List.of();
    }

    /** The runner that runs tests here, or why there is none. */
    record Selected(TestRunner runner, String why) {
    }

    Selected select() {
        List<TestRunner> available = new ArrayList<>();
        runners.forEach(available::add);
        return select(runner, kubernetesServiceHost.filter(h -> !h.isBlank()).isPresent(), available);
    }

    /**
     * The runner {@code wanted} names among {@code runners}, or why there is none. {@code auto}: kubernetes in a cluster
     * ({@code inCluster}), else podman, else process, the first that can run here.
     */
    static Selected select(String wanted, boolean inCluster, List<TestRunner> runners) {
        String name = wanted == null ? "auto" : wanted.trim().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("none")) {
            return new Selected(null, "no test runner here: sluice.validate.tests.runner is none");
        }
        if (!name.equals("auto")) {
            TestRunner r = named(runners, name);
            if (r == null) {
                return new Selected(null, "no test runner here: sluice.validate.tests.runner names '" + name
                        + "', which validate does not have (it has " + runners.stream().map(TestRunner::name).sorted().toList() + ")");
            }
            Optional<String> unavailable = r.unavailable();
            return unavailable.map(why -> new Selected(null, "the " + name + " test runner cannot run here: " + why))
                    .orElseGet(() -> new Selected(r, null));
        }
        List<String> candidates = inCluster ? List.of("kubernetes") : List.of("podman", "process");
        List<String> why = new ArrayList<>();
        for (String candidate : candidates) {
            TestRunner r = named(runners, candidate);
            Optional<String> unavailable = r == null ? Optional.of("validate has no " + candidate + " runner") : r.unavailable();
            if (unavailable.isEmpty()) {
                return new Selected(r, null);
            }
            why.add(candidate + ": " + unavailable.get());
        }
        return new Selected(null, "no test runner here (" + String.join("; ", why) + "): "
                + (inCluster ? "give validate what the kubernetes runner needs"
                        : "install podman, or set sluice.validate.tests.process.enabled=true to run them as a child process"));
    }

    private static TestRunner named(List<TestRunner> runners, String name) {
        return runners.stream().filter(r -> name.equals(r.name())).findFirst().orElse(null);
    }

    /** The execution an event names; what no delivery could ever fix is a 400. */
    private static TestJob job(java.util.UUID runId, int attempt, String handle, String repositoryUrl, String sha,
            dev.sluice.settings.SluiceSettings.Tests tests) {
        if (runId == null) {
            throw new BadEventException("runId is required");
        }
        if (attempt < 1) {
            throw new BadEventException("attempt must be a whole number from 1, got " + attempt);
        }
        if (handle == null || !handle.equals("sluice-tests-" + runId + "-" + attempt)) {
            throw new BadEventException("handle must be sluice-tests-<runId>-<attempt> (sluice-tests-" + runId + "-" + attempt
                    + "), got " + (handle == null ? "none" : "'" + cut(handle) + "'"));
        }
        if (repositoryUrl == null || repositoryUrl.isBlank()) {
            throw new BadEventException("repositoryUrl is required");
        }
        if (sha == null || !SHA.matcher(sha).matches()) {
            throw new BadEventException("sha must be a full 40-character hex commit id, got " + (sha == null ? "none" : "'" + cut(sha) + "'"));
        }
        if (tests == null || tests.image() == null || tests.command() == null || tests.command().isEmpty() || tests.timeout() == null) {
            throw new BadEventException("tests must name an image, a command and a timeout (the resolved tests: of .sluice.yaml)");
        }
        return new TestJob(handle, runId, attempt, repositoryUrl, sha.toLowerCase(java.util.Locale.ROOT), tests);
    }

    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static CloudEvent progressed(TestJob job, String phase, String detail) {
        return EventCodec.event(EventTypes.TESTS_PROGRESSED, FUNCTION, job.runId(),
                new TestsProgressed(job.runId(), job.attempt(), job.handle(), phase, detail));
    }

    private static List<CloudEvent> completed(TestJob job, TestsOutcome outcome, Integer exitCode, String reason) {
        LOG.warnf("run %s attempt %d: tests %s: %s", job.runId(), job.attempt(), outcome, reason);
        return List.of(EventCodec.event(EventTypes.TESTS_COMPLETED, FUNCTION, job.runId(),
                new TestsCompleted(job.runId(), job.attempt(), job.handle(), outcome, exitCode, null, reason)));
    }
}
