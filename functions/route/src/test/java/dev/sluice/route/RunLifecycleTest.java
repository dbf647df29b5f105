package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.run.RunState.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.testing.PostgresTestResource;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RunLifecycleTest {

    @Test
    void aPushIsAnalysedValidatedDeployedAndSucceedsWithItsTransitionsInOrder() {
        String repo = "/repos/" + UUID.randomUUID();
        var reply = push(repo, "refs/heads/main", sha());
        reply.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED).header("ce-source", "/sluice/route")
                .body("attempt", is(1)).body("repositoryUrl", is(repo));
        UUID run = UUID.fromString(reply.header("ce-subject"));

        analysis(run, 1, "APPROVE", SETTINGS_PROD).then().statusCode(200)
                .header("ce-type", EventTypes.VALIDATION_REQUESTED).body("environment", is("production")).body("namespace", is("shop"));
        validation(run, 1, true, "2 objects").then().statusCode(200)
                .header("ce-type", EventTypes.DEPLOYMENT_REQUESTED).body("strategy", is("canary"));
        deployment(run, 1, "VERIFIED").then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED).body("state", is("SUCCEEDED"));

        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING, VALIDATING, QUEUED, DEPLOYING, SUCCEEDED);
        api().get("/runs/" + run).then().statusCode(200).body("state", is("SUCCEEDED")).body("finished", is(true))
                .body("transitions.size()", is(6)).body("transitions[1].reason", is("analysis requested"))
                .body("stages.analysis.decision", is("APPROVE")).body("stages.deployment.outcome", is("VERIFIED"));
    }

    @Test
    void progressLinesComeOutInTheOrderOfTheTransitionsEvenWhenOneTransactionMakesSeveral() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = capture(record -> lines.add(record.getMessage()));
        Logger progress = Logger.getLogger("sluice.run");
        progress.addHandler(capture);
        try {
            UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
            analysis(run, 1, "APPROVE", SETTINGS_PROD).then().statusCode(200);
            // one transaction: VALIDATING -> QUEUED, then QUEUED -> DEPLOYING as the environment is free
            validation(run, 1, true, "ok").then().statusCode(200);
            deployment(run, 1, "VERIFIED").then().statusCode(200); // frees the environment for the other tests
            String id = run.toString().substring(0, 8);
            List<String> mine = lines.stream().filter(l -> l.startsWith("run " + id)).map(l -> l.replaceFirst("^run \\S+ \\S+: (\\S+ -> \\S+).*$", "$1")).toList();
            assertThat(mine).containsExactly("(new) -> RECEIVED", "RECEIVED -> ANALYZING", "ANALYZING -> VALIDATING",
                    "VALIDATING -> QUEUED", "QUEUED -> DEPLOYING", "DEPLOYING -> SUCCEEDED");
        } finally {
            progress.removeHandler(capture);
        }
    }

    @Test
    void aRejectedAnalysisEndsRejectedWithTheFactorsAsReason() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "REJECT", SETTINGS_PROD).then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED);
        assertThat(state(run)).isEqualTo(REJECTED);
        assertThat(run(run).stateReason).contains("risk 100").contains("f1");
    }

    @Test
    void needsReviewWaitsForApprovalThenApproveDeploys() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "NEEDS_REVIEW", SETTINGS_PROD).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(204);
        assertThat(state(run)).isEqualTo(AWAITING_APPROVAL);

        api().contentType("application/json").body("{\"by\":\"lee\",\"reason\":\"looked at it\"}")
                .post("/runs/" + run + "/approve").then().statusCode(200).body("state", is("DEPLOYING"));
        assertThat(run(run).stateReason).contains("production");
        assertThat(outbox(EventTypes.DEPLOYMENT_REQUESTED)).anyMatch(o -> o.event.contains(run.toString()));
        assertThat(path(run)).containsSubsequence(AWAITING_APPROVAL, QUEUED, DEPLOYING);
    }

    @Test
    void aManualEnvironmentWaitsForApprovalAndRejectEndsIt() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "APPROVE", SETTINGS_PROD.replace("\"auto\"", "\"manual\"")).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(204);
        assertThat(state(run)).isEqualTo(AWAITING_APPROVAL);
        assertThat(run(run).stateReason).contains("manual approval");
        api().post("/runs/" + run + "/reject").then().statusCode(200).body("state", is("REJECTED"));
    }

    @Test
    void aFailedValidationEndsFailedWithTheFindingsSummary() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "APPROVE", SETTINGS_PROD);
        validation(run, 1, false, "k8s/app.yaml:7 does not parse").then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED);
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("validation failed: k8s/app.yaml:7 does not parse");
    }

    @Test
    void aRefWithNoEnvironmentIsCheckedNotDeployedAndSucceedsSayingSo() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/feature/x");
        analysis(run, 1, "APPROVE", "{\"environment\":null}").then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(200).body("state", is("SUCCEEDED"));
        assertThat(run(run).stateReason).contains("maps to no environment").contains("not deployed");
    }

    @Test
    void oneDeploymentAtATimePerEnvironmentTheNextStartsWhenTheFirstFinishes() {
        String repo = "/repos/" + UUID.randomUUID();
        String env = "{\"environment\":\"env-" + UUID.randomUUID() + "\",\"namespace\":\"n\",\"strategy\":\"direct\",\"approval\":\"auto\"}";
        UUID first = startRun(repo, "refs/heads/a");
        UUID second = startRun(repo, "refs/heads/b");
        analysis(first, 1, "APPROVE", env);
        analysis(second, 1, "APPROVE", env);
        validation(first, 1, true, "ok").then().header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        validation(second, 1, true, "ok").then().statusCode(204);
        assertThat(state(first)).isEqualTo(DEPLOYING);
        assertThat(state(second)).isEqualTo(QUEUED);

        deployment(first, 1, "VERIFIED").then().statusCode(200);
        assertThat(state(second)).isEqualTo(DEPLOYING);
        assertThat(outbox(EventTypes.DEPLOYMENT_REQUESTED)).anyMatch(o -> o.event.contains(second.toString()));
    }

    @Test
    void aRolledBackDeploymentEndsRolledBack() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String env = SETTINGS_PROD.replace("production", "rb-" + UUID.randomUUID());
        analysis(run, 1, "APPROVE", env);
        validation(run, 1, true, "ok");
        deployment(run, 1, "ROLLED_BACK").then().statusCode(200);
        assertThat(state(run)).isEqualTo(ROLLED_BACK);
    }

    @Test
    void aNewerPushSupersedesOlderRunsOfTheBranchThatHaveNotStartedDeploying() {
        String repo = "/repos/" + UUID.randomUUID();
        UUID older = startRun(repo, "refs/heads/main");
        UUID otherBranch = startRun(repo, "refs/heads/dev");
        UUID newer = startRun(repo, "refs/heads/main");
        assertThat(state(older)).isEqualTo(SUPERSEDED);
        assertThat(run(older).stateReason).contains(newer.toString());
        assertThat(state(otherBranch)).isEqualTo(ANALYZING);
        assertThat(state(newer)).isEqualTo(ANALYZING);
        assertThat(outbox(EventTypes.RUN_FINISHED)).anyMatch(o -> o.event.contains(older.toString()) && o.event.contains("SUPERSEDED"));
    }

    @Test
    void aDeployingRunIsNotSupersededByANewerPush() {
        String repo = "/repos/" + UUID.randomUUID();
        String env = SETTINGS_PROD.replace("production", "dep-" + UUID.randomUUID());
        UUID deploying = startRun(repo, "refs/heads/main");
        analysis(deploying, 1, "APPROVE", env);
        validation(deploying, 1, true, "ok");
        startRun(repo, "refs/heads/main");
        assertThat(state(deploying)).isEqualTo(DEPLOYING);
    }

    @Test
    void aStaleResultForAnEarlierAttemptOrAMovedOnRunChangesNothing() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 2, "REJECT", SETTINGS_PROD).then().statusCode(204);
        assertThat(state(run)).isEqualTo(ANALYZING);

        api().post("/runs/" + run + "/cancel").then().statusCode(200).body("state", is("CANCELLED"));
        analysis(run, 1, "APPROVE", SETTINGS_PROD).then().statusCode(204);
        assertThat(state(run)).isEqualTo(CANCELLED);
        api().get("/runs/" + run).then().body("events.outcome", hasItems("IGNORED"))
                .body("events.detail", hasItem(containsString("run is CANCELLED, not ANALYZING")));
    }

    @Test
    void aRetryableStepFailureIsRetriedOnATickThenTheRunFailsWhenRetriesAreSpent() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        for (int attempt = 1; attempt <= 3; attempt++) {
            result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt
                    + ",\"stage\":\"analysis\",\"error\":\"git unreachable\",\"retryable\":true}").then().statusCode(attempt < 3 ? 204 : 200);
            if (attempt < 3) {
                assertThat(run(run).retryAt).isNotNull();
                makeRetryDue(run);
                result(EventTypes.TICK, "{}").then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED)
                        .header("ce-subject", run.toString()).body("attempt", is(attempt + 1));
                assertThat(run(run).attempt).isEqualTo(attempt + 1);
            }
        }
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("analysis failed (after 3 attempts): git unreachable");
    }

    @Test
    void aNonRetryableStepFailureFailsTheRunAtOnceWithItsReason() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":1,\"stage\":\"analysis\",\"error\":\".sluice.yaml does not parse at line 3, column 5: x\",\"retryable\":false}")
                .then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED);
        assertThat(run(run).stateReason).isEqualTo("analysis failed: .sluice.yaml does not parse at line 3, column 5: x");
    }

    @Test
    void aStageThatNeverAnswersTimesOutOnATick() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        QuarkusTransaction.requiringNew().run(() -> {
            Run r = Run.findById(run);
            r.stageStartedAt = Instant.now().minusSeconds(3600);
        });
        result(EventTypes.TICK, "{}").then().statusCode(anyOf(is(200), is(204)));
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("timed out: analyzing took longer than 10m");
    }

    @Test
    void aPingSourceEventIsATick() {
        result("dev.knative.sources.ping", "{}").then().statusCode(anyOf(is(200), is(204)));
    }

    @Test
    void theAuditTrailRefusesUpdatesAndDeletes() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(() ->
                io.quarkus.hibernate.orm.panache.Panache.getEntityManager()
                        .createNativeQuery("update run_transitions set reason = 'x' where run_id = :r").setParameter("r", run).executeUpdate()));
        assertThat(dev.sluice.events.EventCodec.rootMessage(t)).contains("append-only");
    }

    @Test
    void aTransitionTheTableForbidsIsRefusedAndRecordedNeverApplied() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        boolean applied = QuarkusTransaction.requiringNew().call(() -> dev.sluice.run.RunTransitions.move(Run.findById(run),
                DEPLOYING, "skipping validation", new dev.sluice.run.RunTransitions.Cause("test-forbidden", "test")));
        assertThat(applied).isFalse();
        assertThat(state(run)).isEqualTo(ANALYZING);
        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING);
        api().get("/runs/" + run).then().body("events.outcome", hasItem("REFUSED"))
                .body("events.detail", hasItem(containsString("transition ANALYZING -> DEPLOYING is not allowed (skipping validation)")));
    }

    private static void makeRetryDue(UUID run) {
        QuarkusTransaction.requiringNew().run(() -> {
            Run r = Run.findById(run);
            r.retryAt = Instant.now().minusSeconds(1);
        });
    }
}
