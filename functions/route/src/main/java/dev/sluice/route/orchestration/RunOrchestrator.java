package dev.sluice.route.orchestration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.cloudevents.CloudEvent;
import io.quarkus.hibernate.orm.panache.Panache;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads;
import dev.sluice.events.Payloads.AnalysisCompleted;
import dev.sluice.events.Payloads.DeploymentCompleted;
import dev.sluice.events.Payloads.DeploymentProgressed;
import dev.sluice.events.Payloads.Push;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.events.Payloads.TestsCompleted;
import dev.sluice.events.Payloads.TestsProgressed;
import dev.sluice.events.Payloads.ValidationCompleted;
import dev.sluice.route.intake.PushNormalizer;
import dev.sluice.run.Run;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransitions;
import dev.sluice.run.RunTransitions.Cause;
import dev.sluice.settings.ResolvedSettings;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.tests.TestReport;

/**
 * What comes next for a run: the one place that reacts to pushes, stage results, commands and ticks.
 * Each method runs inside the caller's transaction and returns the events to emit (the first is the
 * HTTP reply when there is one; the rest go to the outbox).
 */
@ApplicationScoped
public class RunOrchestrator {
    private static final Logger LOG = Logger.getLogger(RunOrchestrator.class);
    public static final String FUNCTION = "route";

    @Inject
    RouteConfig config;
    @Inject
    CircuitBreaker breaker;
    @Inject
    CommitOrder order;

    /** How many of a ref's latest runs a new push is compared with. */
    static final int LINEAGE_WINDOW = 200;

    // ---- pushes ------------------------------------------------------------------------------

    /** Starts a run for a push (superseding older waiting runs of the same ref); a deletion starts none. */
    public List<CloudEvent> onPush(Push push, Cause cause) {
        return onPush(push, null, cause);
    }

    /** {@link #onPush(Push, Cause)} for a push a forge sent: the run records it, to report its state there. */
    public List<CloudEvent> onPush(Push push, String forge, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (PushNormalizer.isDeletion(push)) {
            LOG.infof("push deleting %s in %s acknowledged: no run", push.ref(), push.repository().url());
            return out;
        }
        Instant now = Instant.now();
        Run run = new Run();
        run.id = UUID.randomUUID();
        run.repositoryUrl = push.repository().url();
        run.repositoryName = push.repository().name();
        run.ref = push.ref();
        run.branch = push.ref().startsWith("refs/heads/") ? push.ref().substring(11) : null;
        run.tag = push.ref().startsWith("refs/tags/") ? push.ref().substring(10) : null;
        run.beforeSha = PushNormalizer.isNewRef(push) ? null : push.before();
        run.afterSha = push.after();
        run.pusher = push.pusher();
        run.forced = Boolean.TRUE.equals(push.forced());
        run.forge = forge;
        run.causeEventId = cause.eventId();
        run.createdAt = now;
        RunTransitions.start(run, "push of " + run.shortSha() + " to " + push.ref() + (push.pusher() == null ? "" : " by " + push.pusher()), cause);

        // Pushes of one ref are decided one at a time: two arriving together must each see the other.
        lock("sluice-ref:" + run.repositoryUrl + " " + run.ref);
        List<Run> others = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 and id <> ?3 order by createdAt desc",
                run.repositoryUrl, run.ref, run.id).page(0, LINEAGE_WINDOW).list();
        List<Run> all = new ArrayList<>(others);
        all.add(run);
        CommitOrder.Lineage lineage = order.lineage(run.repositoryUrl, run.ref, all);

        // A newer commit of the ref was pushed already (whatever became of its run): this push is older. It is kept
        // (nothing sent is lost) but ends at once, and it supersedes nothing: the runs it would are newer.
        for (Run o : others) {
            CommitOrder.Order rel = lineage.compare(run.afterSha, o.afterSha);
            if (rel.relation() == CommitOrder.Relation.OLDER) {
                finish(run, RunState.SUPERSEDED, "older than run " + o.id + " (" + o.shortSha() + ", " + o.state + ") of "
                        + push.ref() + ": " + rel.evidence() + "; not started", cause, out);
                return out;
            }
        }
        out.add(null); // the reply slot: the analysis request, set below
        for (Run o : others) {
            if (!RunState.SUPERSEDABLE.contains(o.state)) {
                continue;
            }
            // NEWER by the commits; SAME or UNKNOWN (nothing orders them): the later push wins, as the ref's last update
            CommitOrder.Order rel = lineage.compare(run.afterSha, o.afterSha);
            String why = rel.relation() == CommitOrder.Relation.NEWER ? rel.evidence() : "pushed after it (" + rel.evidence() + ")";
            finish(o, RunState.SUPERSEDED, "superseded by run " + run.id + " (" + run.shortSha() + "): " + why, cause, out);
        }
        out.set(0, startStage(run, RunState.ANALYZING, "analysis requested", cause));
        return out;
    }

    // ---- stage results -----------------------------------------------------------------------

    public List<CloudEvent> onAnalysisCompleted(Run run, AnalysisCompleted r, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (stale(run, RunState.ANALYZING, r.attempt(), cause)) {
            return out;
        }
        run.analysisSummary = json(r);
        run.decision = r.decision() == null ? null : r.decision().name();
        run.riskScore = r.riskScore();
        ResolvedSettings s = r.settings();
        if (s != null) {
            run.settingsJson = json(s);
            run.environment = s.environment();
            run.project = dev.sluice.settings.Projects.of(s.project(), run.repositoryUrl);
            run.namespace = s.namespace();
            run.strategy = s.strategy();
            run.approval = s.approval();
        }
        applied(run, cause, "analysis: " + run.decision + ", risk " + r.riskScore());
        String factors = r.factors() == null || r.factors().isEmpty() ? "" : ": " + String.join("; ", r.factors());
        if (r.decision() == null) {
            finish(run, RunState.FAILED, "analysis replied without a decision", cause, out);
        } else if (r.decision() == Payloads.Decision.REJECT) {
            finish(run, RunState.REJECTED, "analysis rejected the change (risk " + r.riskScore() + ")" + factors, cause, out);
        } else {
            out.add(startStage(run, RunState.VALIDATING, "analysis " + r.decision().name().toLowerCase().replace('_', ' ')
                    + " (risk " + r.riskScore() + ")", cause));
        }
        return out;
    }

    public List<CloudEvent> onValidationCompleted(Run run, ValidationCompleted r, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (stale(run, RunState.VALIDATING, r.attempt(), cause)) {
            return out;
        }
        run.validationSummary = json(r);
        applied(run, cause, "validation " + (r.passed() ? "passed" : "failed"));
        if (!r.passed()) {
            finish(run, RunState.FAILED, "validation failed: " + r.summary(), cause, out);
        } else if (tests(run) != null) {
            out.add(startStage(run, RunState.TESTING, "validation passed: " + r.summary() + "; tests requested", cause));
        } else {
            checked(run, "validation passed", r.summary(), cause, out);
        }
        return out;
    }

    /**
     * The run passed its checks (validation, and its tests when it has any): it ends SUCCEEDED when its ref maps to no
     * environment, waits for a person when analysis asked for review, its environment wants manual approval or the
     * environment's circuit breaker is open, and queues otherwise. {@code passed} says which check passed last.
     */
    private void checked(Run run, String passed, String summary, Cause cause, List<CloudEvent> out) {
        if (run.environment == null) {
            finish(run, RunState.SUCCEEDED, "ref " + run.ref + " maps to no environment: analysed and validated"
                    + (run.state == RunState.TESTING ? " and its tests passed" : "") + ", not deployed", cause, out);
        } else if ("NEEDS_REVIEW".equals(run.decision)) {
            RunTransitions.move(run, RunState.AWAITING_APPROVAL, "analysis asks for review (risk " + run.riskScore
                    + "); " + passed, cause);
        } else if ("manual".equals(run.approval)) {
            RunTransitions.move(run, RunState.AWAITING_APPROVAL, "environment " + run.environment + " needs manual approval", cause);
        } else {
            CircuitBreaker.Status status = breaker.status(ownerOf(run), run.environment);
            if (status.open()) {
                RunTransitions.move(run, RunState.AWAITING_APPROVAL, status.reason(run.environment), cause);
            } else {
                queue(run, passed + ": " + summary, cause, out);
            }
        }
        run.stageStartedAt = Instant.now();
    }

    // ---- the test gate -------------------------------------------------------------------------

    /** The tests: of the run's .sluice.yaml, as analysis resolved it; null when it has none (no test gate). */
    static SluiceSettings.Tests tests(Run run) {
        if (run.settingsJson == null) {
            return null;
        }
        try {
            ResolvedSettings s = EventCodec.json().readValue(run.settingsJson, ResolvedSettings.class);
            return s == null ? null : s.tests();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + run.id + ": stored settings do not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** What names one execution of the run's tests where validate runs them (a container, a Job): one per attempt. */
    static String testsHandle(Run run) {
        return "sluice-tests-" + run.id + "-" + run.attempt;
    }

    public List<CloudEvent> onTestsProgressed(Run run, TestsProgressed r, Cause cause) {
        if (stale(run, RunState.TESTING, r.attempt(), cause)) {
            return new ArrayList<>();
        }
        run.testsSummary = json(r);
        run.updatedAt = Instant.now();
        applied(run, cause, "tests " + r.phase() + (r.detail() == null || r.detail().isBlank() ? "" : ": " + r.detail()));
        return new ArrayList<>();
    }

    public List<CloudEvent> onTestsCompleted(Run run, TestsCompleted r, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (stale(run, RunState.TESTING, r.attempt(), cause)) {
            return out;
        }
        run.testsSummary = json(r);
        SluiceSettings.Tests tests = tests(run);
        String reason = r.reason() == null || r.reason().isBlank() ? "" : ": " + r.reason();
        applied(run, cause, "tests " + r.outcome().name().toLowerCase().replace('_', ' ')
                + (r.report() == null ? "" : " (" + counts(r.report()) + ")"));
        switch (r.outcome()) {
            case PASSED -> {
                CloudEvent stop = stopTests(run);
                checked(run, "tests passed", r.report() == null ? "exit code " + r.exitCode() : counts(r.report()), cause, out);
                out.add(stop);
            }
            case FAILED -> finish(run, RunState.FAILED, "tests failed: " + failures(r), cause, out);
            case TIMED_OUT -> finish(run, RunState.FAILED, "tests timed out after "
                    + (tests == null ? "their timeout" : tests.timeout()) + reason, cause, out);
            case ERROR -> finish(run, RunState.FAILED, "tests could not run" + reason, cause, out);
        }
        return out;
    }

    /** "12/12 passed in 3.4 s", with skipped tests and failures when there are any. */
    public static String counts(TestReport t) {
        StringBuilder b = new StringBuilder().append(t.passed()).append('/').append(t.total()).append(" passed");
        if (t.failed() + t.errored() > 0) {
            b.append(", ").append(t.failed() + t.errored()).append(" failed");
        }
        if (t.skipped() > 0) {
            b.append(", ").append(t.skipped()).append(" skipped");
        }
        return b.append(String.format(java.util.Locale.ROOT, " in %.1f s", t.durationMillis() / 1000.0)).toString();
    }

    /** How many of how many failed, and the first failures by name and message: "2 of 12: FooTest.bar: expected 1 but was 2; ...". */
    static String failures(TestsCompleted r) {
        TestReport t = r.report();
        if (t == null) {
            return (r.exitCode() == null ? "the command failed" : "the command exited with " + r.exitCode())
                    + (r.reason() == null || r.reason().isBlank() ? "" : ": " + r.reason());
        }
        int failed = t.failed() + t.errored();
        List<String> named = new ArrayList<>();
        List<TestReport.TestFailure> first = t.failures() == null ? List.of() : t.failures();
        for (TestReport.TestFailure f : first.subList(0, Math.min(SHOWN_FAILURES, first.size()))) {
            String suite = f.suite() == null ? null : f.suite().substring(f.suite().lastIndexOf('.') + 1);
            String name = (suite == null || suite.isBlank() ? "" : suite + ".") + f.name();
            named.add(f.message() == null || f.message().isBlank() ? name : name + ": " + f.message());
        }
        String more = failed > named.size() && !named.isEmpty() ? "; and " + (failed - named.size()) + " more" : "";
        String head = failed > 0 ? failed + " of " + t.total() : "none of " + t.total() + " failed, but the command exited with "
                + r.exitCode() + (r.reason() == null || r.reason().isBlank() ? "" : " (" + r.reason() + ")");
        return head + (named.isEmpty() ? "" : ": " + String.join("; ", named) + more);
    }

    /** How many failures a run's reason names. */
    static final int SHOWN_FAILURES = 5;

    /** Tells validate the run left TESTING: stop the tests of its current attempt and remove what they left. */
    private static CloudEvent stopTests(Run run) {
        return testsCheck(run, Boolean.TRUE);
    }

    /** The tests.check of the run's current attempt: how are they doing, or (stop) stop them. */
    private static CloudEvent testsCheck(Run run, Boolean stop) {
        return EventCodec.event(EventTypes.TESTS_CHECK, FUNCTION, run.id, new Payloads.TestsCheck(run.id, run.attempt,
                testsHandle(run), run.repositoryUrl, run.afterSha, tests(run), stop));
    }

    public List<CloudEvent> onDeploymentProgressed(Run run, DeploymentProgressed r, Cause cause) {
        if (stale(run, RunState.DEPLOYING, r.attempt(), cause)) {
            return new ArrayList<>();
        }
        run.deploymentSummary = json(r);
        run.releaseId = r.releaseId();
        run.updatedAt = Instant.now();
        applied(run, cause, "deployment step " + r.step() + ": " + r.trafficPercent() + "% traffic, health " + r.health());
        return new ArrayList<>();
    }

    public List<CloudEvent> onDeploymentCompleted(Run run, DeploymentCompleted r, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (stale(run, RunState.DEPLOYING, r.attempt(), cause)) {
            return out;
        }
        run.deploymentSummary = json(r);
        run.releaseId = r.releaseId();
        applied(run, cause, "deployment " + r.outcome());
        String reason = r.reason() == null ? "" : ": " + r.reason();
        if (r.outcome() == Payloads.Outcome.VERIFIED) {
            finish(run, RunState.SUCCEEDED, "release " + r.releaseId() + " verified in " + run.environment + reason, cause, out);
        } else if (r.outcome() == Payloads.Outcome.ROLLED_BACK) {
            finish(run, RunState.ROLLED_BACK, "release " + r.releaseId() + " rolled back" + reason, cause, out);
        } else {
            finish(run, RunState.FAILED, "deployment failed" + reason, cause, out);
        }
        out.addAll(startNext(run, cause));
        return out;
    }

    public List<CloudEvent> onStepFailed(Run run, StepFailed r, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        RunState expected = switch (r.stage() == null ? "" : r.stage()) {
            case "analysis" -> RunState.ANALYZING;
            case "validation" -> RunState.VALIDATING;
            case "tests" -> RunState.TESTING;
            case "deployment" -> RunState.DEPLOYING;
            default -> null;
        };
        if (expected == null) {
            throw new dev.sluice.events.BadEventException("step.failed names an unknown stage '" + r.stage()
                    + "': use analysis, validation, tests or deployment");
        }
        if (stale(run, expected, r.attempt(), cause)) {
            return out;
        }
        int max = config.retry().maxAttempts();
        if (r.retryable() && run.attempt < max) {
            Duration delay = config.retry().baseDelay().multipliedBy(1L << Math.min(run.attempt - 1, 16));
            run.retryAt = Instant.now().plus(delay);
            run.updatedAt = Instant.now();
            applied(run, cause, r.stage() + " attempt " + run.attempt + " of " + max + " failed (" + r.error()
                    + "): retry after " + delay.toSeconds() + "s");
            return out;
        }
        applied(run, cause, r.stage() + " failed: " + r.error());
        String why = r.retryable() ? " (after " + run.attempt + " attempts)" : "";
        finish(run, RunState.FAILED, r.stage() + " failed" + why + ": " + r.error(), cause, out);
        if (expected == RunState.DEPLOYING) {
            out.addAll(startNext(run, cause));
        }
        return out;
    }

    // ---- commands ----------------------------------------------------------------------------

    public enum Command {
        APPROVE, REJECT, CANCEL
    }

    /** The outcome of a command: applied, or refused with why. */
    public record CommandResult(boolean applied, String refusal, List<CloudEvent> events) {
    }

    public CommandResult command(Run run, Command command, String by, String reason, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        String who = who(by, reason);
        RunState before = run.state;
        boolean ok = switch (command) {
            case APPROVE -> before == RunState.AWAITING_APPROVAL && queue(run, "approved by " + who, cause, out);
            case REJECT -> before == RunState.AWAITING_APPROVAL && finish(run, RunState.REJECTED, "rejected by " + who, cause, out);
            case CANCEL -> !before.isFinal() && finish(run, RunState.CANCELLED, "cancelled by " + who, cause, out);
        };
        if (!ok) {
            String refusal = command.name().toLowerCase() + " is not possible: run is " + before
                    + (command == Command.CANCEL ? " (final)" : "; it needs " + RunState.AWAITING_APPROVAL);
            RunEvent.record(run.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.REFUSED, refusal);
            return new CommandResult(false, refusal, out);
        }
        if (command == Command.CANCEL && before == RunState.DEPLOYING) {
            out.addAll(startNext(run, cause));
        }
        return new CommandResult(true, null, out);
    }

    /** The outcome of a retry: the new run, or why there is none. */
    public record RetryResult(Run run, String refusal, List<CloudEvent> events) {
    }

    /**
     * Starts a finished run's push again as a new run (a final run never changes): FAILED, ROLLED_BACK and CANCELLED
     * runs can be retried, unless a newer run of the same ref exists. The new run names the old one, goes through
     * analysis and validation again, and tells deploy it is a retry, so a commit that was rolled back deploys again.
     */
    public RetryResult retryRun(Run original, String by, String reason, Cause cause) {
        String refusal = switch (original.state) {
            case FAILED, ROLLED_BACK, CANCELLED -> null;
            case SUCCEEDED -> "run succeeded: there is nothing to retry (POST /environments/{env}/rollback restores an earlier release)";
            case REJECTED -> "run was rejected (" + original.stateReason + "): a rejected change is not retried; push a fix";
            case SUPERSEDED -> "run was superseded by a newer push: retry that run instead";
            default -> "run is " + original.state + ": only a finished run can be retried (cancel it first)";
        };
        if (refusal == null) {
            Run newer = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 and createdAt > ?3 order by createdAt desc",
                    original.repositoryUrl, original.ref, original.createdAt).firstResult();
            if (newer != null) {
                refusal = "run " + newer.id + " (" + newer.shortSha() + ", " + newer.state + ") came after it on " + original.ref
                        + ": retry that run instead";
            }
        }
        if (refusal != null) {
            RunEvent.record(original.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.REFUSED, "retry refused: " + refusal);
            return new RetryResult(null, "retry is not possible: " + refusal, List.of());
        }
        String who = who(by, reason);
        Run run = new Run();
        run.id = UUID.randomUUID();
        run.repositoryUrl = original.repositoryUrl;
        run.repositoryName = original.repositoryName;
        run.ref = original.ref;
        run.branch = original.branch;
        run.tag = original.tag;
        run.beforeSha = original.beforeSha;
        run.afterSha = original.afterSha;
        run.pusher = original.pusher;
        run.forced = original.forced;
        run.forge = original.forge;
        run.retryOf = original.id;
        run.causeEventId = cause.eventId();
        run.createdAt = Instant.now();
        RunTransitions.start(run, "retry of run " + original.id + " (" + original.state + ") by " + who, cause);
        RunEvent.record(original.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.APPLIED, "retried as run " + run.id + " by " + who);
        List<CloudEvent> out = new ArrayList<>();
        out.add(startStage(run, RunState.ANALYZING, "analysis requested", cause));
        return new RetryResult(run, null, out);
    }

    // ---- ticks -------------------------------------------------------------------------------

    /** Retries that are due, stages that timed out, queues that can move, canaries to step, and deploy's drift check. */
    public List<CloudEvent> onTick(Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        Instant now = Instant.now();
        for (Run run : Run.<Run> list("retryAt <= ?1 and state in ?2 order by retryAt", now,
                List.of(RunState.ANALYZING, RunState.VALIDATING, RunState.TESTING, RunState.DEPLOYING))) {
            out.add(retry(run, cause));
        }
        timeouts(now, cause, out);
        for (Run run : Run.<Run> list("state = ?1 and retryAt is null", RunState.TESTING)) {
            out.add(testsCheck(run, null));
        }
        for (Run run : Run.<Run> list("state = ?1 and releaseId is not null and retryAt is null", RunState.DEPLOYING)) {
            out.add(EventCodec.event(EventTypes.DEPLOYMENT_CHECK, FUNCTION, run.id,
                    new Payloads.DeploymentCheck(run.id, run.attempt, run.releaseId)));
        }
        List<Object[]> waiting = Panache.getEntityManager()
                .createQuery("select distinct r." + OWNER + ", r.environment from Run r where r.state = :s", Object[].class)
                .setParameter("s", RunState.QUEUED).getResultList();
        for (Object[] queue : waiting) {
            out.addAll(startNext((String) queue[0], (String) queue[1], cause));
        }
        // deploy compares the environments with their releases at its own pace; the tick reaches it only through route
        // (one function per event type: the functions can share one process, and Funqy routes by type)
        out.add(EventCodec.event(EventTypes.DRIFT_CHECK, FUNCTION, null, new Payloads.DriftCheck(now)));
        return out;
    }

    private void timeouts(Instant now, Cause cause, List<CloudEvent> out) {
        Map<RunState, Duration> limits = Map.of(
                RunState.RECEIVED, config.timeout().analysis(),
                RunState.ANALYZING, config.timeout().analysis(),
                RunState.VALIDATING, config.timeout().validation(),
                RunState.DEPLOYING, config.timeout().deployment(),
                RunState.AWAITING_APPROVAL, config.timeout().approval(),
                RunState.QUEUED, config.timeout().queued());
        for (var e : limits.entrySet()) {
            Instant cutoff = now.minus(e.getValue());
            for (Run run : Run.<Run> list("state = ?1 and coalesce(stageStartedAt, updatedAt) < ?2 and retryAt is null",
                    e.getKey(), cutoff)) {
                String stage = e.getKey().name().toLowerCase().replace('_', ' ');
                finish(run, RunState.FAILED, "timed out: " + stage + " took longer than " + human(e.getValue()), cause, out);
                if (e.getKey() == RunState.DEPLOYING) {
                    out.addAll(startNext(run, cause));
                }
            }
        }
        // the tests have a timeout of their own (.sluice.yaml), which validate enforces; route waits that long and a grace
        Duration grace = config.timeout().testsGrace();
        for (Run run : Run.<Run> list("state = ?1 and retryAt is null", RunState.TESTING)) {
            SluiceSettings.Tests tests = tests(run);
            Duration own = tests == null ? config.timeout().validation() : tests.timeoutDuration();
            Instant started = run.stageStartedAt != null ? run.stageStartedAt : run.updatedAt;
            if (started.plus(own).plus(grace).isBefore(now)) {
                finish(run, RunState.FAILED, "timed out: no test result " + human(own.plus(grace)) + " after the tests were requested"
                        + " (their timeout " + human(own) + " and a grace of " + human(grace) + ")", cause, out);
            }
        }
    }


    private CloudEvent retry(Run run, Cause cause) {
        run.attempt++;
        run.retryAt = null;
        run.stageStartedAt = Instant.now();
        run.updatedAt = run.stageStartedAt;
        applied(run, cause, run.state + ": attempt " + run.attempt + " requested");
        return request(run);
    }

    // ---- dead letters --------------------------------------------------------------------------

    public List<CloudEvent> onUndeliverable(Run run, String what, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        RunState before = run.state;
        if (before.isFinal()) {
            RunEvent.record(run.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.IGNORED,
                    "dead letter for a final run: " + what);
            return out;
        }
        finish(run, RunState.FAILED, what, cause, out);
        if (before == RunState.DEPLOYING) {
            out.addAll(startNext(run, cause));
        }
        return out;
    }

    // ---- the queue ---------------------------------------------------------------------------

    private boolean queue(Run run, String reason, Cause cause, List<CloudEvent> out) {
        if (!RunTransitions.move(run, RunState.QUEUED, reason, cause)) {
            return false;
        }
        run.stageStartedAt = Instant.now();
        out.addAll(startNext(run, cause));
        return true;
    }

    /**
     * The field that says whose an environment is (its project: {@code .sluice.yaml}'s {@code project:}, else the
     * repository's own): two repositories that both name an environment {@code production} have two queues.
     */
    static final String OWNER = "project";

    private List<CloudEvent> startNext(Run run, Cause cause) {
        return startNext(ownerOf(run), run.environment, cause);
    }

    /**
     * Starts the oldest queued run of an environment when none is deploying there; while the environment's circuit
     * breaker is open, queued runs no person approved past it are held for approval instead. A transaction-scoped
     * advisory lock on the environment makes "one deployment at a time" hold across concurrent events. A queued run
     * whose commit is older than one the environment already verified from the same ref never starts: it ends
     * SUPERSEDED (only an explicit rollback takes an environment back).
     */
    List<CloudEvent> startNext(String owner, String environment, Cause cause) {
        List<CloudEvent> out = new ArrayList<>();
        if (environment == null) {
            return out;
        }
        lock("sluice-environment:" + owner + " " + environment);
        Panache.getEntityManager().flush();
        long deploying = Run.count("environment = ?1 and " + OWNER + " = ?2 and state = ?3", environment, owner, RunState.DEPLOYING);
        if (deploying > 0) {
            return out;
        }
        CircuitBreaker.Status status = null;
        for (Run next : Run.<Run> list("environment = ?1 and " + OWNER + " = ?2 and state = ?3 order by createdAt",
                environment, owner, RunState.QUEUED)) {
            String older = olderThanVerified(next);
            if (older != null) {
                finish(next, RunState.SUPERSEDED, older, cause, out);
                continue;
            }
            if (Run.count("repositoryUrl = ?1 and ref = ?2 and state = ?3", next.repositoryUrl, next.ref, RunState.DEPLOYING) > 0) {
                continue; // one run of a ref deploys at a time, even when its commits name different environments
            }
            status = status == null ? breaker.status(owner, environment) : status;
            if (status.open() && !breaker.approvedPast(next)) {
                // queued before the breaker opened: it waits for a person like a run that arrives now
                RunTransitions.move(next, RunState.AWAITING_APPROVAL, status.reason(environment), cause);
                next.stageStartedAt = Instant.now();
                continue;
            }
            out.add(startStage(next, RunState.DEPLOYING, "deploying to " + environment + " (namespace " + next.namespace
                    + ", " + next.strategy + ")", cause));
            break;
        }
        return out;
    }

    /**
     * Why a run must not deploy because its environment already verified a newer commit of its ref, or null. Only
     * evidence counts here (the commits or the ref's update order), never arrival order: a run that reached the queue
     * was not older than any push of its ref when it arrived.
     */
    private String olderThanVerified(Run next) {
        List<Run> verified = Run.<Run> find("environment = ?1 and " + OWNER + " = ?2 and repositoryUrl = ?3 and ref = ?4 and state = ?5 "
                + "and afterSha <> ?6 order by updatedAt desc", next.environment, ownerOf(next), next.repositoryUrl, next.ref,
                RunState.SUCCEEDED, next.afterSha)
                .page(0, 20).list();
        if (verified.isEmpty()) {
            return null;
        }
        List<Run> lineageRuns = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 order by createdAt desc", next.repositoryUrl, next.ref)
                .page(0, LINEAGE_WINDOW).list();
        CommitOrder.Lineage lineage = order.lineage(next.repositoryUrl, next.ref, lineageRuns);
        Run unordered = null;
        for (Run v : verified) {
            CommitOrder.Order rel = lineage.compare(next.afterSha, v.afterSha);
            if (rel.relation() == CommitOrder.Relation.OLDER) {
                return "older than " + v.shortSha() + ", which run " + v.id + " already verified in " + next.environment + ": "
                        + rel.evidence() + "; not deployed (a rollback takes an environment back)";
            }
            if (rel.relation() == CommitOrder.Relation.UNKNOWN && unordered == null) {
                unordered = v;
            }
        }
        // Nothing orders it against a verified commit (both left behind by forced pushes whose runs have not all
        // arrived): the ref as it stands now decides. A commit its tip no longer holds was pushed over; the push that
        // did so is newer, arrived or not, so this one must not take the environment from what it verified.
        if (unordered != null && Boolean.FALSE.equals(lineage.tipHoldsNow(next.afterSha))) {
            return "the tip of " + next.ref + " (" + lineage.lastTip() + ", fetched now) no longer holds " + next.shortSha()
                    + " (a forced push moved the ref on); its order against " + unordered.shortSha() + ", which run " + unordered.id
                    + " verified in " + next.environment + ", is unknown otherwise; not deployed";
        }
        return null;
    }

    private static String ownerOf(Run run) {
        return run.project;
    }

    /** A transaction-scoped advisory lock: held until the caller's transaction ends. */
    private static void lock(String key) {
        Panache.getEntityManager().createNativeQuery("select pg_advisory_xact_lock(hashtext(:key))")
                .setParameter("key", key).getSingleResult();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private CloudEvent startStage(Run run, RunState stage, String reason, Cause cause) {
        RunTransitions.move(run, stage, reason, cause);
        run.attempt = 1;
        run.retryAt = null;
        run.stageStartedAt = Instant.now();
        return request(run);
    }

    /** The request event of the run's current stage, for its current attempt. */
    CloudEvent request(Run run) {
        return switch (run.state) {
            case ANALYZING -> EventCodec.event(EventTypes.ANALYSIS_REQUESTED, FUNCTION, run.id,
                    new Payloads.AnalysisRequested(run.id, run.attempt, run.repositoryUrl, run.ref, run.beforeSha, run.afterSha, run.forced));
            case VALIDATING -> EventCodec.event(EventTypes.VALIDATION_REQUESTED, FUNCTION, run.id,
                    new Payloads.ValidationRequested(run.id, run.attempt, run.repositoryUrl, run.afterSha, run.environment, run.namespace));
            case TESTING -> EventCodec.event(EventTypes.TESTS_REQUESTED, FUNCTION, run.id,
                    new Payloads.TestsRequested(run.id, run.attempt, testsHandle(run), run.repositoryUrl, run.afterSha, tests(run)));
            case DEPLOYING -> EventCodec.event(EventTypes.DEPLOYMENT_REQUESTED, FUNCTION, run.id,
                    new Payloads.DeploymentRequested(run.id, run.attempt, run.repositoryUrl, run.environment, run.namespace,
                            run.afterSha, run.strategy, run.retryOf != null ? Boolean.TRUE : null, run.project));
            default -> throw new IllegalStateException("no request for a run in " + run.state);
        };
    }

    /** Moves to a final state and announces it with dev.sluice.run.finished. */
    private boolean finish(Run run, RunState state, String reason, Cause cause, List<CloudEvent> out) {
        // a run that ends while its tests run (they failed, or it was superseded, cancelled, timed out) has them stopped
        CloudEvent stop = run.state == RunState.TESTING ? stopTests(run) : null;
        if (!RunTransitions.move(run, state, reason, cause)) {
            return false;
        }
        out.add(EventCodec.event(EventTypes.RUN_FINISHED, FUNCTION, run.id, new Payloads.RunFinished(run.id, state.name(),
                reason, run.repositoryUrl, run.ref, run.afterSha, run.environment)));
        if (stop != null) {
            out.add(stop);
        }
        return true;
    }

    /** A result that does not answer the run's outstanding request is recorded and ignored. */
    private boolean stale(Run run, RunState expected, int attempt, Cause cause) {
        if (run.state == expected && run.attempt == attempt && run.retryAt == null) {
            return false;
        }
        String why = run.state != expected
                ? "run is " + run.state + ", not " + expected
                : run.retryAt != null ? "attempt " + attempt + " already failed; a retry is scheduled"
                : "answers attempt " + attempt + ", the run waits for attempt " + run.attempt;
        RunEvent.record(run.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.IGNORED, "stale result: " + why);
        LOG.debugf("run %s: stale %s ignored (%s)", run.id, cause.eventType(), why);
        return true;
    }

    /** "lee: looked at it", as a reason names the person who acted. */
    private static String who(String by, String reason) {
        return (by == null || by.isBlank() ? "someone" : by) + (reason == null || reason.isBlank() ? "" : ": " + reason);
    }

    private static void applied(Run run, Cause cause, String detail) {
        RunEvent.record(run.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.APPLIED, detail);
    }

    private static String json(Object o) {
        try {
            return EventCodec.json().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String human(Duration d) {
        if (d.toDays() > 0 && d.toHours() % 24 == 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.toSeconds() % 60 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
