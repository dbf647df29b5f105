package dev.sluice.route.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.events.EventCodec;
import dev.sluice.run.Run;
import dev.sluice.run.RunEvent;
import dev.sluice.run.RunTransition;

/** How the API shows a run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(UUID id, String repository, String repositoryName, String ref, String branch, String tag,
        String before, String sha, String pusher, String state, String reason, boolean finished, String project, String environment,
        String namespace, String strategy, String decision, Integer riskScore, String releaseId, int attempt,
        Instant retryAt, UUID retryOf, Instant createdAt, Instant updatedAt, List<TransitionView> transitions, List<EventView> events,
        Map<String, JsonNode> stages) {

    public record TransitionView(String from, String to, String reason, String actor, String causeEventId, String causeType, Instant at) {
    }

    public record EventView(String eventId, String type, String outcome, String detail, Instant at) {
    }

    public static RunView summary(Run r) {
        return new RunView(r.id, r.repositoryUrl, r.repositoryName, r.ref, r.branch, r.tag, r.beforeSha, r.afterSha, r.pusher,
                r.state.name(), r.stateReason, r.state.isFinal(), r.project, r.environment, r.namespace, r.strategy, r.decision, r.riskScore,
                r.releaseId, r.attempt, r.retryAt, r.retryOf, r.createdAt, r.updatedAt, null, null, null);
    }

    public static RunView full(Run r) {
        List<TransitionView> transitions = RunTransition.of(r.id).stream()
                .map(t -> new TransitionView(t.fromState == null ? null : t.fromState.name(), t.toState.name(), t.reason,
                        t.actor, t.causeEventId, t.causeType, t.at))
                .toList();
        List<EventView> events = RunEvent.of(r.id).stream()
                .map(e -> new EventView(e.eventId, e.eventType, e.outcome, e.detail, e.at)).toList();
        Map<String, JsonNode> stages = new LinkedHashMap<>();
        put(stages, "analysis", r.analysisSummary);
        put(stages, "validation", r.validationSummary);
        put(stages, "tests", r.testsSummary);
        put(stages, "deployment", r.deploymentSummary);
        return new RunView(r.id, r.repositoryUrl, r.repositoryName, r.ref, r.branch, r.tag, r.beforeSha, r.afterSha, r.pusher,
                r.state.name(), r.stateReason, r.state.isFinal(), r.project, r.environment, r.namespace, r.strategy, r.decision, r.riskScore,
                r.releaseId, r.attempt, r.retryAt, r.retryOf, r.createdAt, r.updatedAt, transitions, events, stages);
    }

    private static void put(Map<String, JsonNode> stages, String name, String json) {
        if (json == null) {
            return;
        }
        try {
            stages.put(name, EventCodec.json().readTree(json));
        } catch (JsonProcessingException e) {
            stages.put(name, EventCodec.json().getNodeFactory().textNode(json));
        }
    }
}
