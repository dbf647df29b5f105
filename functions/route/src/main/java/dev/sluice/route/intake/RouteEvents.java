package dev.sluice.route.intake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import dev.sluice.delivery.EventDispatcher;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads;
import dev.sluice.route.intake.PushNormalizer.Forge;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.route.orchestration.RunOrchestrator.Command;
import dev.sluice.run.Run;
import dev.sluice.run.RunTransitions.Cause;

/**
 * route's CloudEvents: pushes (GitHubSource, GitLabSource, dev.sluice.push), stage results, run commands
 * and ticks. Parses and checks each event, then hands it to the {@link RunOrchestrator}.
 */
@ApplicationScoped
public class RouteEvents implements EventHandler {
    private static final Logger LOG = Logger.getLogger(RouteEvents.class);

    /** A PingSource sends this type; it is a tick. */
    public static final String PING = "dev.knative.sources.ping";

    private static final Set<String> TYPES = Set.of(
            EventTypes.GITHUB_PUSH, EventTypes.GITLAB_PUSH, EventTypes.GITLAB_TAG_PUSH, EventTypes.PUSH,
            EventTypes.ANALYSIS_COMPLETED, EventTypes.VALIDATION_COMPLETED, EventTypes.DEPLOYMENT_PROGRESSED,
            EventTypes.DEPLOYMENT_COMPLETED, EventTypes.STEP_FAILED, EventTypes.TESTS_PROGRESSED, EventTypes.TESTS_COMPLETED,
            EventTypes.RUN_APPROVE, EventTypes.RUN_REJECT, EventTypes.RUN_CANCEL, EventTypes.RUN_RETRY,
            EventTypes.TICK, PING);

    @Inject
    RunOrchestrator orchestrator;

    @Override
    public String function() {
        return RunOrchestrator.FUNCTION;
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        Cause cause = Cause.of(event);
        return switch (event.getType()) {
            case EventTypes.GITHUB_PUSH -> push(Forge.GITHUB, event, cause);
            case EventTypes.GITLAB_PUSH, EventTypes.GITLAB_TAG_PUSH -> push(Forge.GITLAB, event, cause);
            case EventTypes.PUSH -> push(Forge.SLUICE, event, cause);
            case EventTypes.ANALYSIS_COMPLETED -> {
                var r = result(event, Payloads.AnalysisCompleted.class, "decision", "riskScore", "settings");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onAnalysisCompleted(run, r, cause);
            }
            case EventTypes.VALIDATION_COMPLETED -> {
                var r = result(event, Payloads.ValidationCompleted.class, "passed", "summary");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onValidationCompleted(run, r, cause);
            }
            case EventTypes.TESTS_PROGRESSED -> {
                var r = result(event, Payloads.TestsProgressed.class, "phase");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onTestsProgressed(run, r, cause);
            }
            case EventTypes.TESTS_COMPLETED -> {
                var r = result(event, Payloads.TestsCompleted.class, "outcome");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onTestsCompleted(run, r, cause);
            }
            case EventTypes.DEPLOYMENT_PROGRESSED -> {
                var r = result(event, Payloads.DeploymentProgressed.class, "releaseId", "step", "trafficPercent");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onDeploymentProgressed(run, r, cause);
            }
            case EventTypes.DEPLOYMENT_COMPLETED -> {
                var r = result(event, Payloads.DeploymentCompleted.class, "outcome");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onDeploymentCompleted(run, r, cause);
            }
            case EventTypes.STEP_FAILED -> {
                var r = result(event, Payloads.StepFailed.class, "stage", "error", "retryable");
                Run run = run(r.runId(), event);
                yield run == null ? List.of() : orchestrator.onStepFailed(run, r, cause);
            }
            case EventTypes.RUN_APPROVE -> command(Command.APPROVE, event, cause);
            case EventTypes.RUN_REJECT -> command(Command.REJECT, event, cause);
            case EventTypes.RUN_CANCEL -> command(Command.CANCEL, event, cause);
            case EventTypes.RUN_RETRY -> newChain(event,
                    onCommandedRun(event, (run, c) -> orchestrator.retryRun(run, c.by(), c.reason(), cause).events()));
            case EventTypes.TICK, PING -> orchestrator.onTick(cause);
            default -> throw new BadEventException("route does not handle " + event.getType());
        };
    }

    /**
     * A stage's result: its data must name the run and the attempt it answers, and carry {@code required}. Missing
     * fields would otherwise read as null, 0 or false and move the run for a reason nobody gave.
     */
    private static <T> T result(CloudEvent event, Class<T> type, String... required) {
        JsonNode data = EventCodec.dataTree(event);
        T value = EventCodec.data(event, data, type);
        List<String> missing = new ArrayList<>();
        for (String field : Stream.concat(Stream.of("runId", "attempt"), Arrays.stream(required)).toList()) {
            if (!data.hasNonNull(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadEventException("data of " + event.getType() + " is missing " + String.join(", ", missing));
        }
        if (!data.get("attempt").canConvertToInt() || data.get("attempt").asInt() < 1) {
            throw new BadEventException("data of " + event.getType() + ": 'attempt' must be a whole number from 1, got "
                    + data.get("attempt"));
        }
        return value;
    }

    private List<CloudEvent> push(Forge forge, CloudEvent event, Cause cause) {
        return newChain(event, orchestrator.onPush(PushNormalizer.normalize(forge, EventCodec.dataTree(event)), forgeOf(forge, event),
                cause));
    }

    /** The raw webhooks route takes in (WebhookResource) send their pushes from here, named by forge. */
    private static final String WEBHOOKS = EventTypes.source(RunOrchestrator.FUNCTION) + "/webhooks/";
    private static final Set<String> WEBHOOK_FORGES = Set.of("github", "gitlab", "gitea", "bitbucket");

    /** The forge a push came from, to report the run's state to: its source type, or route's own webhook for it. */
    static String forgeOf(Forge forge, CloudEvent event) {
        return switch (forge) {
            case GITHUB -> "github";
            case GITLAB -> "gitlab";
            case GITEA -> "gitea";
            case SLUICE -> {
                String source = event.getSource().toString();
                String name = source.startsWith(WEBHOOKS) ? source.substring(WEBHOOKS.length()) : null;
                yield name != null && WEBHOOK_FORGES.contains(name) ? name : null;
            }
        };
    }

    /**
     * A new run's first request starts its own chain. A broker gives a reply the TTL of the event it answers (Knative
     * copies it), and whoever sent the push may have set that low: so when the push came through a broker, the request
     * goes through the outbox, which the broker's ingress stamps afresh, and the reply is empty. (Posted straight to
     * route, the dispatcher outboxes the reply itself.)
     */
    static List<CloudEvent> newChain(CloudEvent cause, List<CloudEvent> out) {
        if (out.isEmpty() || out.get(0) == null || !EventDispatcher.viaBroker(cause)) {
            return out;
        }
        List<CloudEvent> outboxed = new ArrayList<>();
        outboxed.add(null);
        outboxed.addAll(out);
        return outboxed;
    }

    private List<CloudEvent> command(Command command, CloudEvent event, Cause cause) {
        return onCommandedRun(event, (run, c) -> orchestrator.command(run, command, c.by(), c.reason(), cause).events());
    }

    /** A run command's run (data.runId, else the subject), locked, handed to {@code apply}; nothing for an unknown run. */
    private List<CloudEvent> onCommandedRun(CloudEvent event, BiFunction<Run, Payloads.RunCommand, List<CloudEvent>> apply) {
        var c = EventCodec.data(event, Payloads.RunCommand.class);
        Run run = run(c.runId() != null ? c.runId() : subject(event), event);
        return run == null ? List.of() : new ArrayList<>(apply.apply(run, c));
    }

    /** The run an event is about, locked for this transaction; null (recorded in the log) when unknown. */
    private Run run(UUID runId, CloudEvent event) {
        if (runId == null) {
            throw new BadEventException(event.getType() + " needs data.runId");
        }
        Run run = Run.findById(runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            LOG.warnf("%s %s names run %s, which does not exist: ignored", event.getType(), event.getId(), runId);
        }
        return run;
    }

    private static UUID subject(CloudEvent event) {
        try {
            return event.getSubject() == null ? null : UUID.fromString(event.getSubject());
        } catch (IllegalArgumentException e) {
            throw new BadEventException("subject '" + event.getSubject() + "' is not a run id");
        }
    }

}
