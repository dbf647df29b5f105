package dev.sluice.route.environments;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
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
import io.quarkus.security.identity.SecurityIdentity;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.StorableText;
import dev.sluice.route.orchestration.CircuitBreaker;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.route.security.ApiRoles;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.settings.Projects;

/**
 * The environments API: what runs where ({@code GET /environments}, one item per project and environment), an
 * environment's release ledger newest first ({@code GET /environments/{env}/releases}), and a rollback
 * ({@code POST /environments/{env}/rollback}), which route only checks and hands to deploy as
 * {@code dev.sluice.environment.rollback} through the outbox. Environments belong to projects: {@code ?project=} or
 * {@code ?repository=} says whose; it may be left out while one project alone has an environment of that name.
 */
@Path("/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentsResource {
    @Inject
    OutboxRelay relay;
    @Inject
    CircuitBreaker breaker;
    @Inject
    SecurityIdentity identity;

    /** The data of dev.sluice.environment.rollback (deploy reads it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RollbackRequest(String environment, String project, String releaseId, String by, String reason) {
    }

    /** The project a request addresses, or the answer refusing it. */
    private record Addressed(String project, Response refused) {
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response list() {
        List<EnvironmentView> items = QuarkusTransaction.requiringNew().call(() -> {
            TreeSet<List<String>> pairs = new TreeSet<>(Comparator.<List<String>, String> comparing(p -> p.get(1))
                    .thenComparing(p -> p.get(0)));
            EnvironmentRelease.environments().forEach(p -> pairs.add(List.of((String) p[0], (String) p[1])));
            Run.getEntityManager()
                    .createQuery("select distinct r.project, r.environment from Run r where r.environment is not null"
                            + " and r.project is not null", Object[].class)
                    .getResultList().forEach(p -> pairs.add(List.of((String) p[0], (String) p[1])));
            return pairs.stream().map(p -> view(p.get(0), p.get(1))).toList();
        });
        return Response.ok(Map.of("items", items)).build();
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{env}/releases")
    public Response releases(@PathParam("env") String env, @QueryParam("limit") @DefaultValue("50") String limitParam,
            @QueryParam("project") String project, @QueryParam("repository") String repository) {
        int limit;
        try {
            limit = Integer.parseInt(limitParam);
        } catch (NumberFormatException e) {
            return ErrorBody.response(400, "limit must be a whole number");
        }
        if (limit < 1 || limit > 500) {
            return ErrorBody.response(400, "limit must be from 1 to 500");
        }
        Addressed addressed = address(env, project, repository);
        if (addressed.refused() != null) {
            return addressed.refused();
        }
        String owner = addressed.project();
        List<ReleaseView> items = QuarkusTransaction.requiringNew()
                .call(() -> EnvironmentRelease.of(owner, env, limit).stream().map(ReleaseView::of).toList());
        if (items.isEmpty() && !known(owner, env)) {
            return ErrorBody.response(404, "no environment " + env + " in project " + owner + ": no release and no run names it");
        }
        return Response.ok(Map.of("environment", env, "project", owner, "items", items)).build();
    }

    @POST
    @RolesAllowed({ ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{env}/rollback")
    @Consumes("*/*")
    public Response rollback(@PathParam("env") String env, @QueryParam("project") String project,
            @QueryParam("repository") String repository, String body) {
        String releaseId = null;
        // who rolls back is the authenticated principal, never a name in the body
        String by = identity.getPrincipal().getName();
        String reason = null;
        if (body != null && !body.isBlank()) {
            try {
                JsonNode json = EventCodec.json().readTree(body);
                if (!json.isObject()) {
                    return ErrorBody.response(400, "body must be a JSON object like {\"releaseId\": \"...\", \"reason\": \"...\"}");
                }
                StorableText.requireTree("body", json);
                releaseId = text(json, "releaseId");
                reason = text(json, "reason");
            } catch (JsonProcessingException e) {
                return ErrorBody.response(400, "body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        Addressed addressed = address(env, project, repository);
        if (addressed.refused() != null) {
            return addressed.refused();
        }
        String owner = addressed.project();
        RollbackRequest request = new RollbackRequest(env, owner, releaseId, by, reason);
        Response answer = QuarkusTransaction.requiringNew().call(() -> {
            EnvironmentRelease target;
            if (request.releaseId() != null) {
                target = EnvironmentRelease.findById(request.releaseId());
                if (target == null || !target.environment.equals(env) || !target.project.equals(owner)) {
                    return ErrorBody.response(404, "environment " + env + " has no release " + request.releaseId()
                            + " in project " + owner);
                }
                if (target.verifiedAt == null) {
                    return ErrorBody.response(409, "release " + target.id + " was never verified ("
                            + (target.inProgress() ? "IN_PROGRESS" : target.outcome) + "): only a verified release can be restored");
                }
            } else {
                EnvironmentRelease current = EnvironmentRelease.lastVerified(owner, env).orElse(null);
                if (current == null) {
                    return ErrorBody.response(EnvironmentRelease.of(owner, env, 1).isEmpty() ? 404 : 409,
                            "environment " + env + " has no verified release to roll back to");
                }
                // While a rollout is in progress the last verified release is what runs: restoring it aborts the rollout.
                target = EnvironmentRelease.rolloutInProgress(owner, env) ? current
                        : EnvironmentRelease.verifiedBefore(current).orElse(null);
                if (target == null) {
                    return ErrorBody.response(409, "environment " + env + " has no verified release before " + current.id
                            + " with another commit to roll back to");
                }
            }
            CloudEvent event = EventCodec.event(EventTypes.ENVIRONMENT_ROLLBACK, RunOrchestrator.FUNCTION, (UUID) null,
                    new RollbackRequest(env, owner, target.id, request.by(), request.reason()));
            OutboxEvent.add(event);
            return Response.accepted(Map.of("environment", env, "project", owner, "releaseId", target.id, "sha", target.sha,
                    "repositoryUrl", target.repositoryUrl, "event", Map.of("type", event.getType(), "id", event.getId()))).build();
        });
        if (answer.getStatus() == 202) {
            relay.wake();
        }
        return answer;
    }

    private EnvironmentView view(String project, String env) {
        EnvironmentRelease current = EnvironmentRelease.current(project, env).orElse(null);
        EnvironmentRelease verified = EnvironmentRelease.lastVerified(project, env).orElse(null);
        List<Run> runs = Run.list("project = ?1 and environment = ?2 and state in ?3 order by createdAt", project, env,
                List.of(RunState.QUEUED, RunState.DEPLOYING));
        String namespace = current != null ? current.namespace
                : runs.stream().map(r -> r.namespace).filter(n -> n != null).findFirst().orElse(null);
        return new EnvironmentView(project, env, namespace, ReleaseView.of(current), ReleaseView.of(verified), new EnvironmentView.Runs(
                runs.stream().filter(r -> r.state == RunState.DEPLOYING).map(EnvironmentsResource::ref).toList(),
                runs.stream().filter(r -> r.state == RunState.QUEUED).map(EnvironmentsResource::ref).toList()),
                breaker.status(project, env));
    }

    /**
     * Whose environment a request means: {@code project} as given; {@code repository} (a URL or the project it makes)
     * matched against the projects with that environment; neither: the only project with it, and a 400 listing them
     * when there are several.
     */
    private static Addressed address(String env, String project, String repository) {
        if (project != null && !project.isBlank()) {
            return new Addressed(project, null);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            TreeSet<String> candidates = new TreeSet<>(EnvironmentRelease.projectsOf(env));
            candidates.addAll(Run.getEntityManager().createQuery("select distinct r.project from Run r where r.environment = ?1"
                    + " and r.project is not null", String.class).setParameter(1, env).getResultList());
            if (repository != null && !repository.isBlank()) {
                String own = Projects.ofRepository(repository);
                if (candidates.contains(own)) {
                    return new Addressed(own, null);
                }
                List<String> named = EnvironmentRelease.projectsOfRepository(env, repository);
                return new Addressed(named.size() == 1 ? named.get(0) : own, null);
            }
            if (candidates.size() > 1) {
                return new Addressed(null, ErrorBody.response(400, "environment " + env + " exists in " + candidates.size()
                        + " projects: name one with ?project= or ?repository=", Map.of("projects", List.copyOf(candidates))));
            }
            return new Addressed(candidates.isEmpty() ? null : candidates.first(), candidates.isEmpty()
                    ? ErrorBody.response(404, "no environment " + env + ": no release and no run names it") : null);
        });
    }

    private static EnvironmentView.RunRef ref(Run r) {
        return new EnvironmentView.RunRef(r.id, r.ref, r.afterSha, r.createdAt);
    }

    private static boolean known(String project, String env) {
        return QuarkusTransaction.requiringNew().call(() -> Run.count("project = ?1 and environment = ?2", project, env) > 0);
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) && !json.get(field).asText().isBlank() ? json.get(field).asText() : null;
    }
}
