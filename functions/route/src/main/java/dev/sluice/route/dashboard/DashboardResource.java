package dev.sluice.route.dashboard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.events.EventCodec;
import dev.sluice.route.api.RunView;
import dev.sluice.route.api.RunsResource;
import dev.sluice.route.environments.EnvironmentView;
import dev.sluice.route.environments.EnvironmentsResource;
import dev.sluice.route.environments.ReleaseView;
import dev.sluice.route.security.ApiRoles;

/**
 * The web dashboard: server-side Qute pages over the runs and environments API (whose resources answer here too, so
 * the pages check their input and refuse it exactly as the API does), kept live by server-sent events. {@code GET /} is
 * the runs list; the CloudEvents ingress stays {@code POST /}. Every page needs a signed-in browser (DashboardLogin);
 * actions are htmx POSTs, which carry the {@code HX-Request} header a cookie-authenticated change needs.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource implements dev.sluice.delivery.RootPage {
    private static final int APPROVALS_MAX = 200;

    @Inject
    RunsResource runs;
    @Inject
    EnvironmentsResource environments;
    @Inject
    LiveRuns live;

    /** The runs list's filters and page, as the runs API takes them (and checks them). */
    public static class Filter {
        @QueryParam("repository")
        String repository;
        @QueryParam("branch")
        String branch;
        @QueryParam("state")
        String state;
        @QueryParam("page")
        @DefaultValue("0")
        String page;
        @QueryParam("size")
        @DefaultValue("20")
        String size;
    }

    /** The runs, newest first: the dashboard's home. */
    /** {@code GET /}, which common's EventGate reroutes here ({@link dev.sluice.delivery.RootPage#PATH}). */
    @GET
    @Path("ui")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response home(@BeanParam Filter filter) {
        return runsPage(filter, false);
    }

    /** The rows of the runs list alone: what the list fetches again when a transition is pushed. */
    @GET
    @Path("ui/runs/rows")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response runsRows(@BeanParam Filter filter) {
        return runsPage(filter, true);
    }

    @GET
    @Path("ui/runs/{id}")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response run(@PathParam("id") String id) {
        return runPage(id, false);
    }

    /** A run's page without its frame: what the page fetches again when one of its transitions is pushed. */
    @GET
    @Path("ui/runs/{id}/body")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response runBody(@PathParam("id") String id) {
        return runPage(id, true);
    }

    /** Every run's transitions as they happen. */
    @GET
    @Path("ui/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Multi<OutboundSseEvent> allEvents(@Context Sse sse) {
        return live.events(sse, null);
    }

    /** One run's transitions as they happen; 400 for an id that is no UUID (a run that does not exist has none). */
    @GET
    @Path("ui/runs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Multi<OutboundSseEvent> runEvents(@PathParam("id") String id, @Context Sse sse) {
        UUID runId;
        try {
            runId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new jakarta.ws.rs.WebApplicationException(ErrorBody.response(400, "'" + id + "' is not a run id (a UUID)"));
        }
        return live.events(sse, runId);
    }

    @POST
    @Path("ui/runs/{id}/approve")
    @Consumes("*/*")
    @RolesAllowed({ ApiRoles.APPROVER, ApiRoles.ADMIN })
    public Response approve(@PathParam("id") String id) {
        return flash(runs.approve(id, null), "approved");
    }

    @POST
    @Path("ui/runs/{id}/reject")
    @Consumes("*/*")
    @RolesAllowed({ ApiRoles.APPROVER, ApiRoles.ADMIN })
    public Response reject(@PathParam("id") String id) {
        return flash(runs.reject(id, null), "rejected");
    }

    /** Needs no session: it only drops the cookie. */
    @POST
    @Path("ui/logout")
    @Consumes("*/*")
    public Response logout(@Context io.vertx.core.http.HttpServerRequest request) {
        return DashboardLogin.logout(request);
    }

    @GET
    @Path("ui/approvals")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response approvals() {
        return Response.ok(Pages.approvals(waiting())).build();
    }

    @GET
    @Path("ui/approvals/rows")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response approvalRows() {
        return Response.ok(Pages.approvals$rows(waiting())).build();
    }

    @GET
    @Path("ui/environments")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @SuppressWarnings("unchecked")
    public Response environmentList() {
        Map<String, Object> body = (Map<String, Object>) environments.list().getEntity();
        return Response.ok(Pages.environments((List<EnvironmentView>) body.get("items"))).build();
    }

    /** An environment's release history, newest first, with a rollback to each verified release. */
    @GET
    @Path("ui/environments/{env}")
    @RolesAllowed({ ApiRoles.VIEWER, ApiRoles.APPROVER, ApiRoles.OPERATOR, ApiRoles.ADMIN })
    @SuppressWarnings("unchecked")
    public Response environment(@PathParam("env") String env, @QueryParam("project") String project) {
        Response answer = environments.releases(env, "50", project, null);
        if (answer.getStatus() != 200) {
            return ErrorPages.page(answer);
        }
        Map<String, Object> body = (Map<String, Object>) answer.getEntity();
        return Response.ok(Pages.environment(env, (String) body.get("project"), (List<ReleaseView>) body.get("items"))).build();
    }

    @POST
    @Path("ui/environments/{env}/rollback")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed({ ApiRoles.OPERATOR, ApiRoles.ADMIN })
    public Response rollback(@PathParam("env") String env, @FormParam("project") String project, @FormParam("releaseId") String releaseId) {
        Map<String, String> body = new LinkedHashMap<>();
        if (releaseId != null && !releaseId.isBlank()) {
            body.put("releaseId", releaseId);
        }
        try {
            return flash(environments.rollback(env, project, null, EventCodec.json().writeValueAsString(body)), "rollback requested");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Response runsPage(Filter f, boolean rowsOnly) {
        Response answer = runs.list(f.repository, f.branch, f.state, f.page, f.size);
        if (answer.getStatus() != 200) {
            return ErrorPages.page(answer);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) answer.getEntity();
        @SuppressWarnings("unchecked")
        RunsPage view = new RunsPage((List<RunView>) body.get("items"), (Integer) body.get("page"), (Integer) body.get("size"),
                (Long) body.get("total"), f.repository, f.branch, f.state);
        TemplateInstance html = rowsOnly ? Pages.runs$rows(view) : Pages.runs(view);
        return Response.ok(html).build();
    }

    private Response runPage(String id, boolean bodyOnly) {
        Response answer = runs.get(id);
        if (answer.getStatus() != 200) {
            return ErrorPages.page(answer);
        }
        RunPage view = RunPage.of((RunView) answer.getEntity());
        return Response.ok(bodyOnly ? Pages.run$body(view) : Pages.run(view)).build();
    }

    @SuppressWarnings("unchecked")
    private List<RunView> waiting() {
        return (List<RunView>) ((Map<String, Object>) runs.list(null, null, "AWAITING_APPROVAL", "0", String.valueOf(APPROVALS_MAX))
                .getEntity()).get("items");
    }

    /** The API's answer to an action as a line on the page: what happened, or why it was refused (with the API's status). */
    private static Response flash(Response answer, String done) {
        boolean ok = answer.getStatus() / 100 == 2;
        String message;
        if (ok) {
            message = done;
            if (answer.getEntity() instanceof RunView r) {
                message = done + ": the run is " + r.state();
            }
        } else {
            message = ErrorPages.error(answer);
        }
        return Response.status(answer.getStatus()).type(MediaType.TEXT_HTML).entity(Pages.flash(ok, message)).build();
    }
}
