package dev.sluice.route.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.EventCodec;
import dev.sluice.events.StorableText;
import dev.sluice.report.StageReport;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.route.orchestration.RunOrchestrator.Command;
import dev.sluice.route.orchestration.RunOrchestrator.CommandResult;
import dev.sluice.route.orchestration.RunOrchestrator.RetryResult;
import dev.sluice.route.security.ApiRoles;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransitions.Cause;

/** The runs API: list and inspect runs and their stage reports; approve, reject, cancel or retry a run. */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {
    @Inject
    RunOrchestrator orchestrator;
    @Inject
    OutboxRelay relay;
    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response list(@QueryParam("repository") String repository, @QueryParam("branch") String branch,
            @QueryParam("state") String state, @QueryParam("page") @DefaultValue("0") String pageParam,
            @QueryParam("size") @DefaultValue("20") String sizeParam) {
        int page;
        int size;
        try {
            page = Integer.parseInt(pageParam);
            size = Integer.parseInt(sizeParam);
        } catch (NumberFormatException e) {
            return ErrorBody.response(400, "page and size must be whole numbers");
        }
        if (page < 0 || size < 1 || size > 200) {
            return ErrorBody.response(400, "page must be 0 or more and size from 1 to 200");
        }
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        if (repository != null && !repository.isBlank()) {
            // the URL a run was pushed with, or the name its forge gave it (e.g. "owner/repo")
            where.add("(repositoryUrl = :repository or repositoryName = :repository)");
            params.put("repository", repository);
        }
        if (branch != null && !branch.isBlank()) {
            where.add("branch = :branch");
            params.put("branch", branch);
        }
        if (state != null && !state.isBlank()) {
            try {
                params.put("state", RunState.valueOf(state.trim().toUpperCase()));
                where.add("state = :state");
            } catch (IllegalArgumentException e) {
                return ErrorBody.response(400, "unknown state '" + state + "'", Map.of("states", Arrays.stream(RunState.values()).map(Enum::name).toList()));
            }
        }
        var query = where.isEmpty() ? Run.<Run> findAll(Sort.descending("createdAt", "id"))
                : Run.<Run> find(String.join(" and ", where), Sort.descending("createdAt", "id"), params);
        long total = query.count();
        List<RunView> items = query.page(Page.of(page, size)).list().stream().map(RunView::summary).toList();
        return Response.ok(Map.of("items", items, "page", page, "size", size, "total", total)).build();
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        UUID runId = parse(id);
        if (runId == null) {
            return badId(id);
        }
        Run run = Run.findById(runId);
        return run == null ? notFound(id) : Response.ok(RunView.full(run)).build();
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}/analysis")
    public Response analysis(@PathParam("id") String id) {
        return report(id, StageReport.ANALYSIS);
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}/validation")
    public Response validation(@PathParam("id") String id, @QueryParam("format") String format) {
        if (format == null || format.isBlank() || format.equals("json")) {
            return report(id, StageReport.VALIDATION);
        }
        if (format.equals("sarif")) {
            // validate stores a SARIF 2.1.0 rendering beside its report, for GitHub code scanning
            return report(id, StageReport.VALIDATION + "-sarif");
        }
        return ErrorBody.response(400, "unknown format '" + format + "': use json or sarif");
    }

    @GET
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}/deployment")
    public Response deployment(@PathParam("id") String id) {
        return report(id, StageReport.DEPLOYMENT);
    }

    @POST
    @RolesAllowed({ ApiRoles.APPROVER, ApiRoles.ADMIN })
    @Path("{id}/approve")
    @Consumes("*/*")
    public Response approve(@PathParam("id") String id, String body) {
        return command(id, Command.APPROVE, body);
    }

    @POST
    @RolesAllowed({ ApiRoles.APPROVER, ApiRoles.ADMIN })
    @Path("{id}/reject")
    @Consumes("*/*")
    public Response reject(@PathParam("id") String id, String body) {
        return command(id, Command.REJECT, body);
    }

    @POST
    @RolesAllowed({ ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}/cancel")
    @Consumes("*/*")
    public Response cancel(@PathParam("id") String id, String body) {
        return command(id, Command.CANCEL, body);
    }

    /** Starts the push of a finished run again as a new run: 201 with the new run, 409 when it cannot be retried. */
    @POST
    @RolesAllowed({ ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @Path("{id}/retry")
    @Consumes("*/*")
    public Response retry(@PathParam("id") String id, String body) {
        UUID runId = parse(id);
        if (runId == null) {
            return badId(id);
        }
        Who who = who(body);
        if (who.bad() != null) {
            return who.bad();
        }
        Object[] result = QuarkusTransaction.requiringNew().call(() -> {
            Run run = Run.findById(runId, LockModeType.PESSIMISTIC_WRITE);
            if (run == null) {
                return null;
            }
            RetryResult r = orchestrator.retryRun(run, who.by(), who.reason(), new Cause("api-" + UUID.randomUUID(), "api:retry", who.by()));
            r.events().forEach(OutboxEvent::add);
            return new Object[] { r.refusal(), r.run() == null ? RunView.summary(run) : RunView.summary(r.run()) };
        });
        if (result == null) {
            return notFound(id);
        }
        if (result[0] != null) {
            return ErrorBody.response(409, (String) result[0], Map.of("run", result[1]));
        }
        relay.wake();
        RunView created = (RunView) result[1];
        return Response.created(URI.create("/runs/" + created.id())).entity(created).build();
    }

    private Response report(String id, String stage) {
        UUID runId = parse(id);
        if (runId == null) {
            return badId(id);
        }
        if (Run.findById(runId) == null) {
            return notFound(id);
        }
        StageReport report = StageReport.latest(runId, stage);
        if (report == null) {
            return ErrorBody.response(404, "run " + id + " has no " + stage + " report yet");
        }
        return Response.ok(report.report, MediaType.APPLICATION_JSON).build();
    }

    private Response command(String id, Command command, String body) {
        UUID runId = parse(id);
        if (runId == null) {
            return badId(id);
        }
        Who who = who(body);
        if (who.bad() != null) {
            return who.bad();
        }
        Object[] result = QuarkusTransaction.requiringNew().call(() -> {
            Run run = Run.findById(runId, LockModeType.PESSIMISTIC_WRITE);
            if (run == null) {
                return null;
            }
            CommandResult r = orchestrator.command(run, command, who.by(), who.reason(),
                    new Cause("api-" + UUID.randomUUID(), "api:" + command.name().toLowerCase(), who.by()));
            r.events().forEach(OutboxEvent::add);
            return new Object[] { r, RunView.summary(run) };
        });
        if (result == null) {
            return notFound(id);
        }
        CommandResult r = (CommandResult) result[0];
        if (!r.applied()) {
            return ErrorBody.response(409, r.refusal(), Map.of("run", result[1]));
        }
        relay.wake();
        return Response.ok(result[1]).build();
    }

    /**
     * Who acts (the authenticated principal) and why (the optional body's {"reason"}); {@code bad} is the 400 when the body
     * is not a JSON object. A "by" in the body is ignored: a caller cannot name someone else as the actor.
     */
    private record Who(String by, String reason, Response bad) {
    }

    private Who who(String body) {
        String by = identity.getPrincipal().getName();
        if (body == null || body.isBlank()) {
            return new Who(by, null, null);
        }
        try {
            JsonNode json = EventCodec.json().readTree(body);
            if (!json.isObject()) {
                return new Who(by, null, ErrorBody.response(400, "body must be a JSON object like {\"reason\": \"...\"}"));
            }
            StorableText.requireTree("body", json);
            return new Who(by, json.hasNonNull("reason") ? json.get("reason").asText() : null, null);
        } catch (JsonProcessingException e) {
            return new Who(by, null, ErrorBody.response(400, "body is not valid JSON: " + e.getOriginalMessage()));
        }
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Response badId(String id) {
        return ErrorBody.response(400, "'" + id + "' is not a run id (a UUID)");
    }

    private static Response notFound(String id) {
        return ErrorBody.response(404, "no run " + id);
    }
}
