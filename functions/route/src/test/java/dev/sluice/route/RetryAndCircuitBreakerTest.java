package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.run.RunState.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;

/** An explicit retry of a finished run, and an environment's circuit breaker (3 failed deployments in a row). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RetryAndCircuitBreakerTest {

    // ---- retry -------------------------------------------------------------------------------

    @Test
    void aRolledBackRunRetriedByAPersonIsANewRunOfTheSamePushAndTellsDeployItIsARetry() {
        String env = settings("retry-" + UUID.randomUUID());
        String repo = "/repos/" + UUID.randomUUID();
        String sha = sha();
        push(repo, "refs/heads/main", sha).then().statusCode(200);
        UUID first = lastRun(repo);
        finishDeployment(first, env, "ROLLED_BACK");

        var created = api().contentType("application/json").body("{\"by\":\"lee\",\"reason\":\"the registry was down\"}")
                .post("/runs/" + first + "/retry").then().statusCode(201)
                .body("retryOf", is(first.toString())).body("sha", is(sha)).body("ref", is("refs/heads/main"))
                .body("state", is("ANALYZING")).extract();
        UUID retry = UUID.fromString(created.path("id"));
        assertThat(created.header("Location")).endsWith("/runs/" + retry);
        assertThat(outbox(EventTypes.ANALYSIS_REQUESTED)).anyMatch(o -> o.event.contains(retry.toString()));
        assertThat(run(retry).stateReason).isEqualTo("analysis requested");
        api().get("/runs/" + retry).then().body("transitions[0].reason", containsString("retry of run " + first))
                .body("transitions[0].reason", containsString("by admin-token: the registry was down"))
                .body("transitions[0].actor", is("admin-token"));
        api().get("/runs/" + first).then().body("state", is("ROLLED_BACK"))
                .body("events.detail", hasItem(containsString("retried as run " + retry)));

        analysis(retry, 1, "APPROVE", env).then().statusCode(200);
        validation(retry, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED)
                .body("retry", is(true)).body("sha", is(sha));
    }

    @Test
    void aPushThatIsNoRetryDoesNotSayRetryToDeploy() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "APPROVE", settings("plain-" + UUID.randomUUID()));
        validation(run, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED)
                .body("$", not(hasKey("retry")));
    }

    @Test
    void aRetryIsRefusedForARunningSucceededOrRejectedRunAndWhenANewerRunOfTheRefExists() {
        String env = settings("refuse-" + UUID.randomUUID());
        UUID running = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().post("/runs/" + running + "/retry").then().statusCode(409)
                .body("error", containsString("only a finished run can be retried")).body("run.state", is("ANALYZING"));

        UUID succeeded = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        finishDeployment(succeeded, env, "VERIFIED");
        api().post("/runs/" + succeeded + "/retry").then().statusCode(409).body("error", containsString("nothing to retry"));

        UUID rejected = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(rejected, 1, "REJECT", env);
        api().post("/runs/" + rejected + "/retry").then().statusCode(409).body("error", containsString("push a fix"));

        String repo = "/repos/" + UUID.randomUUID();
        UUID old = startRun(repo, "refs/heads/main");
        api().post("/runs/" + old + "/cancel").then().statusCode(200);
        UUID newer = startRun(repo, "refs/heads/main");
        api().post("/runs/" + old + "/retry").then().statusCode(409)
                .body("error", containsString("run " + newer + " ")).body("error", containsString("retry that run instead"));
        // retrying the same run twice: the first retry is the newer run
        api().post("/runs/" + newer + "/cancel").then().statusCode(200);
        api().post("/runs/" + newer + "/retry").then().statusCode(201);
        api().post("/runs/" + newer + "/retry").then().statusCode(409).body("error", containsString("came after it"));
        api().get("/runs/" + newer).then().body("events.detail", hasItem(containsString("retry refused")));
    }

    @Test
    void aRetryWithABadIdOrBodyGets400AndAnUnknownRun404() {
        long before = runCount();
        api().post("/runs/nope/retry").then().statusCode(400).body("error", containsString("not a run id"));
        api().post("/runs/" + UUID.randomUUID() + "/retry").then().statusCode(404).body("error", containsString("no run"));
        UUID cancelled = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().post("/runs/" + cancelled + "/cancel").then().statusCode(200);
        api().contentType("application/json").body("{not json").post("/runs/" + cancelled + "/retry").then().statusCode(400)
                .body("error", containsString("not valid JSON"));
        api().contentType("application/json").body("[1]").post("/runs/" + cancelled + "/retry").then().statusCode(400)
                .body("error", containsString("JSON object"));
        assertThat(runCount()).isEqualTo(before + 1);
    }

    @Test
    void aRunRetryEventStartsTheRetryAndItsReplyIsTheAnalysisRequest() {
        UUID cancelled = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().post("/runs/" + cancelled + "/cancel").then().statusCode(200);
        var reply = result(EventTypes.RUN_RETRY, "{\"runId\":\"" + cancelled + "\",\"by\":\"sam\"}");
        reply.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED);
        UUID retry = UUID.fromString(reply.header("ce-subject"));
        assertThat(retry).isNotEqualTo(cancelled);
        assertThat(run(retry).retryOf).isEqualTo(cancelled);
        // the same command again is refused and recorded: no third run
        result(EventTypes.RUN_RETRY, "{\"runId\":\"" + cancelled + "\"}").then().statusCode(204);
        api().get("/runs/" + cancelled).then().body("events.outcome", hasItem("REFUSED"));
    }

    // ---- circuit breaker ---------------------------------------------------------------------

    @Test
    void threeFailedDeploymentsOpenTheBreakerTheNextRunWaitsForApprovalAndASuccessClosesIt() {
        String name = "cb-" + UUID.randomUUID();
        String repo = "/repos/" + name; // an environment belongs to its repository
        String env = settings(name);
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "ROLLED_BACK");
        // two failures: still closed
        api().get("/environments").then().body("items.find { it.name == '" + name + "' }.circuitBreaker.open", is(false));
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        api().get("/environments").then()
                .body("items.find { it.name == '" + name + "' }.circuitBreaker.open", is(true))
                .body("items.find { it.name == '" + name + "' }.circuitBreaker.threshold", is(3))
                .body("items.find { it.name == '" + name + "' }.circuitBreaker.recent.state", contains("FAILED", "ROLLED_BACK", "FAILED"));

        UUID held = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(held, 1, "APPROVE", env);
        validation(held, 1, true, "ok").then().statusCode(204);
        assertThat(state(held)).isEqualTo(AWAITING_APPROVAL);
        assertThat(run(held).stateReason).startsWith("circuit breaker of environment " + name + " is open: the last 3 deployments failed");

        api().contentType("application/json").body("{\"by\":\"ops\"}").post("/runs/" + held + "/approve").then().statusCode(200)
                .body("state", is("DEPLOYING"));
        deployment(held, 1, "VERIFIED").then().statusCode(200);
        api().get("/environments").then().body("items.find { it.name == '" + name + "' }.circuitBreaker.open", is(false));

        UUID next = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(next, 1, "APPROVE", env);
        validation(next, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
    }

    @Test
    void aRunQueuedBehindTheThirdFailureIsHeldForApprovalInsteadOfStarting() {
        String name = "cbq-" + UUID.randomUUID();
        String repo = "/repos/" + name; // an environment belongs to its repository
        String env = settings(name);
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        UUID third = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(third, 1, "APPROVE", env);
        validation(third, 1, true, "ok").then().header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        UUID queued = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(queued, 1, "APPROVE", env);
        validation(queued, 1, true, "ok").then().statusCode(204);
        assertThat(state(queued)).isEqualTo(QUEUED);

        deployment(third, 1, "FAILED").then().statusCode(200);
        assertThat(state(queued)).isEqualTo(AWAITING_APPROVAL);
        assertThat(path(queued)).containsSubsequence(QUEUED, AWAITING_APPROVAL);
        assertThat(run(queued).stateReason).contains("circuit breaker");
        api().post("/runs/" + queued + "/approve").then().statusCode(200).body("state", is("DEPLOYING"));
    }

    @Test
    void aCancelledDeploymentNeitherOpensNorClosesTheBreaker() {
        String name = "cbc-" + UUID.randomUUID();
        String repo = "/repos/" + name; // an environment belongs to its repository
        String env = settings(name);
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        finishDeployment(startRun(repo, "refs/heads/" + UUID.randomUUID()), env, "FAILED");
        UUID cancelled = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(cancelled, 1, "APPROVE", env);
        validation(cancelled, 1, true, "ok").then().header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        api().post("/runs/" + cancelled + "/cancel").then().statusCode(200);
        api().get("/environments").then().body("items.find { it.name == '" + name + "' }.circuitBreaker.open", is(false))
                .body("items.find { it.name == '" + name + "' }.circuitBreaker.recent.size()", is(2));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String settings(String environment) {
        return SETTINGS_PROD.replace("production", environment);
    }

    /** Drives a fresh run through analysis and validation into DEPLOYING, then ends its deployment with {@code outcome}. */
    private static void finishDeployment(UUID run, String env, String outcome) {
        analysis(run, 1, "APPROVE", env).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        deployment(run, 1, outcome).then().statusCode(200);
    }

    private static UUID lastRun(String repo) {
        return UUID.fromString(api().queryParam("repository", repo).get("/runs").then().statusCode(200)
                .extract().path("items[0].id"));
    }
}
