package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.run.RunState;
import dev.sluice.testing.RestartablePostgresTestResource;

/**
 * route against an external database that goes away under it and comes back: every endpoint answers 503 with
 * Retry-After and a JSON body meanwhile (never a 500, which reads as a bug), readiness is down, and afterwards
 * work resumes without a restart and nothing accepted before is lost.
 */
@QuarkusTest
@QuarkusTestResource(value = RestartablePostgresTestResource.class, restrictToAnnotatedClass = true)
class DatabaseOutageTest {
    private static final String AUTH = "Bearer test-admin-token";

    @Test
    void whileTheDatabaseIsDownEveryEndpointAnswers503WithRetryAfterAndReadinessIsDownThenWorkResumes() throws Exception {
        String repo = "/r/outage-" + UUID.randomUUID();
        UUID acceptedBefore = startRun(repo, "refs/heads/main");
        assertThat(state(acceptedBefore)).isEqualTo(RunState.ANALYZING);
        given().get("/q/health/ready").then().statusCode(200);

        String refusedPushId = UUID.randomUUID().toString();
        String refusedSha = sha();
        RestartablePostgresTestResource.stopDatabase();
        try {
            Map<String, Supplier<Response>> calls = new LinkedHashMap<>();
            calls.put("push CloudEvent", () -> pushWithId(refusedPushId, repo, refusedSha));
            calls.put("stage result", () -> analysis(acceptedBefore, 1, "APPROVE", SETTINGS_PROD));
            calls.put("push to /fn/route", () -> given().contentType("application/json").header("ce-specversion", "1.0")
                    .header("ce-id", UUID.randomUUID().toString()).header("ce-type", EventTypes.PUSH).header("ce-source", "/test")
                    .body(pushData(repo, sha())).post("/fn/route"));
            calls.put("GET /runs", () -> given().header("Authorization", AUTH).get("/runs?repository=" + repo));
            calls.put("GET /runs/{id}", () -> given().header("Authorization", AUTH).get("/runs/" + acceptedBefore));
            calls.put("POST /runs/{id}/cancel", () -> given().header("Authorization", AUTH).contentType("application/json")
                    .body("{\"by\":\"ops\"}").post("/runs/" + acceptedBefore + "/cancel"));
            calls.put("GET /environments", () -> given().header("Authorization", AUTH).get("/environments"));
            calls.put("POST /environments/{env}/rollback", () -> given().header("Authorization", AUTH).contentType("application/json")
                    .body("{\"by\":\"ops\"}").post("/environments/production/rollback"));
            calls.put("GET /dead-letter", () -> given().get("/dead-letter"));
            calls.put("POST /dead-letter", () -> given().contentType("application/json").header("ce-specversion", "1.0")
                    .header("ce-id", UUID.randomUUID().toString()).header("ce-type", EventTypes.ANALYSIS_REQUESTED)
                    .header("ce-source", "/broker").header("ce-subject", acceptedBefore.toString())
                    .header("ce-knativeerrorcode", "500").body("{\"runId\":\"" + acceptedBefore + "\"}").post("/dead-letter"));
            calls.put("gitlab webhook", () -> given().contentType("application/json").header("X-Gitlab-Event", "Push Hook")
                    .header("X-Gitlab-Token", "test-gitlab-token").body(gitlabPush()).post("/webhooks/gitlab"));
            for (var call : calls.entrySet()) {
                long t0 = System.nanoTime();
                Response r = call.getValue().get();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.statusCode()).as(call.getKey() + ": " + r.asString()).isEqualTo(503);
                assertThat(r.header("Retry-After")).as(call.getKey()).isEqualTo("5");
                assertThat(r.contentType()).as(call.getKey()).startsWith("application/json");
                assertThat(r.jsonPath().getString("error")).as(call.getKey()).contains("database is unavailable");
                assertThat(ms).as(call.getKey() + " answered in " + ms + " ms, not hung on the pool").isLessThan(10_000);
            }
            given().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            RestartablePostgresTestResource.startDatabase();
        }

        long back = System.nanoTime();
        awaitReady();
        System.out.printf("readiness UP %d ms after the database started again%n", (System.nanoTime() - back) / 1_000_000);

        // what was accepted before the stop is all there, and moves on
        assertThat(path(acceptedBefore)).containsExactly(RunState.RECEIVED, RunState.ANALYZING);
        analysis(acceptedBefore, 1, "APPROVE", SETTINGS_PROD).then().statusCode(anyOf(is(200), is(204)));
        assertThat(state(acceptedBefore)).isEqualTo(RunState.VALIDATING);

        // the push refused with 503, sent again as a broker would, makes its run now: it was not lost
        Response resent = pushWithId(refusedPushId, repo, refusedSha);
        resent.then().statusCode(200);
        UUID newer = UUID.fromString(resent.header("ce-subject"));
        assertThat(path(newer)).containsExactly(RunState.RECEIVED, RunState.ANALYZING);
        given().header("Authorization", AUTH).get("/runs/" + newer).then().statusCode(200).body("sha", is(refusedSha));
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (given().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static Response pushWithId(String id, String repo, String after) {
        return given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test").body(pushData(repo, after)).post("/");
    }

    private static String pushData(String repo, String after) {
        return "{\"repository\":{\"url\":\"" + repo + "\",\"name\":\"r\"},\"ref\":\"refs/heads/main\",\"before\":\"" + "0".repeat(40)
                + "\",\"after\":\"" + after + "\",\"commits\":[],\"pusher\":\"ann\"}";
    }

    private static byte[] gitlabPush() {
        try {
            return Files.readAllBytes(fixture("webhooks/gitlab/go-gitlab-push.json"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
