package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.run.RunState.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.route.intake.DeadLetter;
import dev.sluice.run.Run;
import dev.sluice.run.RunEvent;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/** Only Sluice's own functions move a run: events without a valid proof are refused with 400 and recorded, never applied. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class EventProofTest {

    private static String approveRiskZero(UUID run, int attempt) {
        return "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"decision\":\"APPROVE\",\"riskScore\":0,"
                + "\"confidence\":1.0,\"factors\":[],\"settings\":" + SETTINGS_PROD + "}";
    }

    /** A binary-mode event with whatever proof header a forger chooses (none when null). */
    private static Response forged(String type, String source, String id, String proof, String data) {
        var req = given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", type).header("ce-source", source);
        if (proof != null) {
            req.header("ce-sluiceproof", proof);
        }
        return req.body(data).post("/");
    }

    private static long refusals(UUID run) {
        return QuarkusTransaction.requiringNew().call(() -> RunEvent.count("runId = ?1 and outcome = ?2", run,
                RunEvent.Outcome.REFUSED.name()));
    }

    @Test
    void aForgedAnalysisCompletedApprovingWithRiskZeroDoesNotMoveTheRunAndGets400() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String data = approveRiskZero(run, 1);

        forged(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", UUID.randomUUID().toString(), null, data).then()
                .statusCode(400).contentType(containsString("json")).body("error", containsString("carries no proof"));
        String id = UUID.randomUUID().toString();
        String wrongKey = Events.proof(EventTypes.ANALYSIS_COMPLETED, id, "/sluice/analyze", null, data, "a-key-sluice-never-had");
        forged(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", id, wrongKey, data).then()
                .statusCode(400).body("error", containsString("does not match"));

        assertThat(state(run)).isEqualTo(ANALYZING);
        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING);
        assertThat(refusals(run)).isEqualTo(2);
        api().get("/runs/" + run).then().body("events.detail", hasItem(containsString("unproven event from /sluice/analyze")));

        // the same result, signed as analyze signs it, moves the run
        result(EventTypes.ANALYSIS_COMPLETED, data).then().statusCode(200).header("ce-type", EventTypes.VALIDATION_REQUESTED)
                .header("ce-sluiceproof", not(emptyOrNullString()));
        assertThat(state(run)).isEqualTo(VALIDATING);
    }

    @Test
    void aResultSignedForAttemptOneAndReplayedWithItsAttemptChangedToTwoIsRefused() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String id = UUID.randomUUID().toString();
        String proofForAttemptOne = Events.proof(EventTypes.ANALYSIS_COMPLETED, id, "/sluice/analyze", null, approveRiskZero(run, 1));
        // attempt 1 fails and is retried: the run now waits for attempt 2
        result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":1,\"stage\":\"analysis\",\"error\":\"git unreachable\","
                + "\"retryable\":true}").then().statusCode(204);
        QuarkusTransaction.requiringNew().run(() -> Run.<Run> findById(run).retryAt = Instant.now().minusSeconds(1));
        result(EventTypes.TICK, "{}").then().statusCode(200);
        assertThat(run(run).attempt).isEqualTo(2);

        forged(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", id, proofForAttemptOne, approveRiskZero(run, 2)).then()
                .statusCode(400).body("error", containsString("does not match"));
        assertThat(state(run)).isEqualTo(ANALYZING);
        assertThat(run(run).attempt).isEqualTo(2);
        assertThat(refusals(run)).isEqualTo(1);
    }

    @Test
    void aResultSignedByOneStageNamingAnotherIsRefused() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String data = approveRiskZero(run, 1);
        // validate holds the key as well, but an analysis result it signs is not analyze's
        Events.postSigned("/", EventTypes.ANALYSIS_COMPLETED, UUID.randomUUID().toString(), "/sluice/validate", null, data).then()
                .statusCode(400).body("error", containsString("must come from [/sluice/analyze]"));
        String failed = "{\"runId\":\"" + run + "\",\"attempt\":1,\"stage\":\"analysis\",\"error\":\"boom\",\"retryable\":false}";
        Events.postSigned("/", EventTypes.STEP_FAILED, UUID.randomUUID().toString(), "/sluice/deploy", null, failed).then()
                .statusCode(400).body("error", containsString("names stage 'analysis'"));
        assertThat(state(run)).isEqualTo(ANALYZING);
        assertThat(refusals(run)).isEqualTo(2);
    }

    @Test
    void aRunCommandThroughTheBrokerIsAppliedOnlyWithRoutesProof() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String data = "{\"runId\":\"" + run + "\",\"by\":\"mallory\"}";
        forged(EventTypes.RUN_CANCEL, "/curl", UUID.randomUUID().toString(), null, data).then().statusCode(400);
        assertThat(state(run)).isEqualTo(ANALYZING);
        Events.postSigned("/", EventTypes.RUN_CANCEL, UUID.randomUUID().toString(), "/sluice/route", null, data).then()
                .statusCode(lessThan(300));
        assertThat(state(run)).isEqualTo(CANCELLED);
    }

    @Test
    void aForgedDeadLetterLeavesARunningRunRunningAndIsRecorded() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String body = "{\"runId\":\"" + run + "\",\"attempt\":1}";
        String id = "forged-dl-" + run;
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", EventTypes.ANALYSIS_REQUESTED).header("ce-source", "/sluice/route").header("ce-subject", run.toString())
                .header("ce-knativeerrordest", "http://sluice-analyze.sluice.svc/").header("ce-knativeerrorcode", "500")
                .body(body).post("/dead-letter").then().statusCode(400).contentType(containsString("json"))
                .body("error", containsString("carries no proof"));
        assertThat(state(run)).isEqualTo(ANALYZING);
        assertThat(refusals(run)).isEqualTo(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> DeadLetter.count("eventId", id))).isZero();

        // an undeliverable push names no run it could fail, even when it claims one
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "push-" + id)
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/curl").header("ce-subject", run.toString())
                .body("{}").post("/dead-letter").then().statusCode(200).body("stored", is(true)).body("runId", is(""));
        // and a type no broker delivers to Sluice is not a dead letter at all
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "other-" + id)
                .header("ce-type", "com.example.anything").header("ce-source", "/curl").header("ce-subject", run.toString())
                .body("{}").post("/dead-letter").then().statusCode(400);
        assertThat(state(run)).isEqualTo(ANALYZING);
    }
}
