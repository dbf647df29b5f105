package dev.sluice.route.environments;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.StorableText;
import dev.sluice.route.orchestration.CircuitBreaker;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;

/**
 * The environments API: what runs where ({@code GET /environments}), an environment's release ledger newest first
 * ({@code GET /environments/{env}/releases}), and a rollback ({@code POST /environments/{env}/rollback}), which
 * route only checks and hands to deploy as {@code dev.sluice.environment.rollback} through the outbox.
 */
@Path("/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentsResource {
    @Inject
    OutboxRelay relay;
    @Inject
    CircuitBreaker breaker;

    /** The data of dev.sluice.environment.rollback (deploy reads it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RollbackRequest(String environment, String releaseId, String by, String reason) {
    }

    @GET
    public Response list() {
        List<EnvironmentView> items = QuarkusTransaction.requiringNew().call(() -> {
            TreeSet<String> names = new TreeSet<>(EnvironmentRelease.environments());
            names.addAll(Run.getEntityManager()
                    .createQuery("select distinct r.environment from Run r where r.environment is not null", String.class)
                    .getResultList());
            return names.stream().map(this::view).toList();
        });
        return Response.ok(Map.of("items", items)).build();
    }

    @GET
    @Path("{env}/releases")
    public Response releases(@PathParam("env") String env, @QueryParam("limit") @DefaultValue("50") String limitParam) {
        int limit;
        try {
            limit = Integer.parseInt(limitParam);
        } catch (NumberFormatException e) {
            return ErrorBody.response(400, "limit must be a whole number");
        }
        if (limit < 1 || limit > 500) {
            return ErrorBody.response(400, "limit must be from 1 to 500");
        }
        List<ReleaseView> items = QuarkusTransaction.requiringNew()
                .call(() -> EnvironmentRelease.of(env, limit).stream().map(ReleaseView::of).toList());
        if (items.isEmpty() && !known(env)) {
            return ErrorBody.response(404, "no environment " + env + ": no release and no run names it");
        }
        return Response.ok(Map.of("environment", env, "items", items)).build();
    }

    @POST
    @Path("{env}/rollback")
    @Consumes("*/*")
    public Response rollback(@PathParam("env") String env, String body) {
        String releaseId = null;
        String by = null;
        String reason = null;
        if (body != null && !body.isBlank()) {
            try {
                JsonNode json = EventCodec.json().readTree(body);
                if (!json.isObject()) {
                    return ErrorBody.response(400, "body must be a JSON object like {\"releaseId\": \"...\", \"by\": \"...\", \"reason\": \"...\"}");
                }
                StorableText.requireTree("body", json);
                releaseId = text(json, "releaseId");
                by = text(json, "by");
                reason = text(json, "reason");
            } catch (JsonProcessingException e) {
                return ErrorBody.response(400, "body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        RollbackRequest request = new RollbackRequest(env, releaseId, by, reason);
        Response answer = QuarkusTransaction.requiringNew().call(() -> {
            EnvironmentRelease target;
            if (request.releaseId() != null) {
                target = EnvironmentRelease.findById(request.releaseId());
                if (target == null || !target.environment.equals(env)) {
                    return ErrorBody.response(404, "environment " + env + " has no release " + request.releaseId());
                }
                if (target.verifiedAt == null) {
                    return ErrorBody.response(409, "release " + target.id + " was never verified ("
                            + (target.inProgress() ? "IN_PROGRESS" : target.outcome) + "): only a verified release can be restored");
                }
            } else {
                EnvironmentRelease current = EnvironmentRelease.lastVerified(env).orElse(null);
                if (current == null) {
                    return ErrorBody.response(EnvironmentRelease.of(env, 1).isEmpty() ? 404 : 409,
                            "environment " + env + " has no verified release to roll back to");
                }
                // While a rollout is in progress the last verified release is what runs: restoring it aborts the rollout.
                target = EnvironmentRelease.rolloutInProgress(env) ? current : EnvironmentRelease.verifiedBefore(current).orElse(null);
                if (target == null) {
                    return ErrorBody.response(409, "environment " + env + " has no verified release before " + current.id
                            + " with another commit to roll back to");
                }
            }
            CloudEvent event = EventCodec.event(EventTypes.ENVIRONMENT_ROLLBACK, RunOrchestrator.FUNCTION, (UUID) null,
                    new RollbackRequest(env, target.id, request.by(), request.reason()));
            OutboxEvent.add(event);
            return Response.accepted(Map.of("environment", env, "releaseId", target.id, "sha", target.sha,
                    "event", Map.of("type", event.getType(), "id", event.getId()))).build();
        });
        if (answer.getStatus() == 202) {
            relay.wake();
        }
        return answer;
    }

    private EnvironmentView view(String env) {
        EnvironmentRelease current = EnvironmentRelease.current(env).orElse(null);
        EnvironmentRelease verified = EnvironmentRelease.lastVerified(env).orElse(null);
        List<Run> runs = Run.list("environment = ?1 and state in ?2 order by createdAt", env,
                List.of(RunState.QUEUED, RunState.DEPLOYING));
        String namespace = current != null ? current.namespace
                : runs.stream().map(r -> r.namespace).filter(n -> n != null).findFirst().orElse(null);
        return new EnvironmentView(env, namespace, ReleaseView.of(current), ReleaseView.of(verified), new EnvironmentView.Runs(
                runs.stream().filter(r -> r.state == RunState.DEPLOYING).map(EnvironmentsResource::ref).toList(),
                runs.stream().filter(r -> r.state == RunState.QUEUED).map(EnvironmentsResource::ref).toList()),
                breaker.status(env));
    }

    private static EnvironmentView.RunRef ref(Run r) {
        return new EnvironmentView.RunRef(r.id, r.ref, r.afterSha, r.createdAt);
    }

    private static boolean known(String env) {
        return QuarkusTransaction.requiringNew().call(() -> Run.count("environment = ?1", env) > 0);
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) && !json.get(field).asText().isBlank() ? json.get(field).asText() : null;
    }
}
