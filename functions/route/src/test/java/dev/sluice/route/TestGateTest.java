package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.run.RunState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.testing.PostgresTestResource;

/**
 * The test gate (issue 16): a run whose .sluice.yaml has {@code tests:} goes VALIDATING → TESTING and on to what
 * validation passing led to before; route records validate's progress, asks on each tick, fails the run naming the
 * first failures, a timeout or the reason the tests could not run, ignores stale results, and tells validate to stop
 * the tests whenever the run leaves TESTING.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TestGateTest {

    private static final String TESTS = "\"tests\":{\"image\":\"maven:3-eclipse-temurin-21\",\"command\":[\"mvn\",\"-B\",\"test\"],"
            + "\"timeout\":\"90s\",\"cpu\":\"2\",\"memory\":\"2Gi\",\"reports\":[\"**/target/surefire-reports/*.xml\"],\"network\":false}";
    private static final String WITH_TESTS = "{\"environment\":\"production\",\"namespace\":\"shop\",\"strategy\":\"canary\","
            + "\"approval\":\"auto\"," + TESTS + "}";
    private static final String NO_ENVIRONMENT_WITH_TESTS = "{\"environment\":null," + TESTS + "}";

    private static final String PASSED_REPORT = "{\"total\":12,\"passed\":12,\"failed\":0,\"errored\":0,\"skipped\":0,"
            + "\"durationMillis\":3400,\"failures\":[],\"files\":[\"target/surefire-reports/TEST-FooTest.xml\"]}";
    private static final String FAILED_REPORT = "{\"total\":12,\"passed\":10,\"failed\":1,\"errored\":1,\"skipped\":0,"
            + "\"durationMillis\":5100,\"failures\":["
            + "{\"suite\":\"com.acme.FooTest\",\"name\":\"bar\",\"kind\":\"failure\",\"type\":\"org.opentest4j.AssertionFailedError\","
            + "\"message\":\"expected 1 but was 2\",\"file\":\"src/test/java/com/acme/FooTest.java\",\"line\":17},"
            + "{\"suite\":\"com.acme.BazTest\",\"name\":\"qux\",\"kind\":\"error\",\"type\":\"java.lang.IllegalStateException\","
            + "\"message\":\"boom\"}],\"files\":[]}";

    /** A run that passed analysis and validation with tests in its settings: validate was asked to start them. */
    private static UUID testing(String settings) {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "APPROVE", settings).then().statusCode(200);
        validation(run, 1, true, "2 objects").then().statusCode(200).header("ce-type", EventTypes.TESTS_REQUESTED)
                .header("ce-subject", run.toString()).body("runId", is(run.toString())).body("attempt", is(1))
                .body("handle", is("sluice-tests-" + run + "-1")).body("sha", is(run(run).afterSha))
                .body("tests.image", is("maven:3-eclipse-temurin-21")).body("tests.command", contains("mvn", "-B", "test"))
                .body("tests.timeout", is("90s"));
        assertThat(state(run)).isEqualTo(TESTING);
        return run;
    }

    private static Response progressed(UUID run, int attempt, String phase, String detail) {
        return result(EventTypes.TESTS_PROGRESSED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"handle\":\"sluice-tests-"
                + run + "-" + attempt + "\",\"phase\":\"" + phase + "\",\"detail\":\"" + detail + "\"}");
    }

    private static Response completed(UUID run, int attempt, String outcome, Integer exitCode, String report, String reason) {
        return result(EventTypes.TESTS_COMPLETED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"handle\":\"sluice-tests-"
                + run + "-" + attempt + "\",\"outcome\":\"" + outcome + "\",\"exitCode\":" + exitCode + ",\"report\":" + report
                + ",\"reason\":" + (reason == null ? "null" : "\"" + reason + "\"") + "}");
    }

    /** The tests.check events route sent for the run, stop requests ({@code stop}: true) or plain checks. */
    private static List<OutboxEvent> checks(UUID run, boolean stop) {
        return outbox(EventTypes.TESTS_CHECK).stream().filter(o -> o.event.contains("\"runId\":\"" + run + "\""))
                .filter(o -> o.event.contains("\"stop\":true") == stop).toList();
    }

    @Test
    void passingTestsLeadToTheQueueAndDeploymentAsValidationDidBefore() {
        UUID run = testing(WITH_TESTS);
        progressed(run, 1, "started", "started in podman container sluice-tests-" + run + "-1").then().statusCode(204);
        assertThat(state(run)).isEqualTo(TESTING);
        api().get("/runs/" + run).then().body("stages.tests.phase", is("started"))
                .body("events.detail", hasItem("tests started: started in podman container sluice-tests-" + run + "-1"));
        assertThat(checks(run, true)).isEmpty();

        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200)
                .header("ce-type", EventTypes.DEPLOYMENT_REQUESTED).body("strategy", is("canary"));
        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING, VALIDATING, TESTING, QUEUED, DEPLOYING);
        api().get("/runs/" + run).then().body("stages.tests.outcome", is("PASSED")).body("stages.tests.report.total", is(12))
                .body("stages.tests.report.durationMillis", is(3400))
                .body("transitions.find { it.to == 'QUEUED' }.reason", is("tests passed: 12/12 passed in 3.4 s"))
                .body("transitions.find { it.to == 'TESTING' }.reason", is("validation passed: 2 objects; tests requested"))
                .body("transitions.find { it.to == 'TESTING' }.actor", is("validate"));
        assertThat(checks(run, true)).as("validate is told to remove what the tests left").hasSize(1);
        deployment(run, 1, "VERIFIED").then().statusCode(200).body("state", is("SUCCEEDED"));
    }

    @Test
    void aRefWithNoEnvironmentSucceedsOnceItsTestsPass() {
        UUID run = testing(NO_ENVIRONMENT_WITH_TESTS);
        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200);
        assertThat(state(run)).isEqualTo(SUCCEEDED);
        assertThat(run(run).stateReason).isEqualTo("ref refs/heads/main maps to no environment: analysed and validated and its tests"
                + " passed, not deployed");
    }

    @Test
    void passingTestsOfARunThatNeedsReviewWaitForApproval() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "NEEDS_REVIEW", WITH_TESTS).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.TESTS_REQUESTED);
        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200);
        assertThat(state(run)).isEqualTo(AWAITING_APPROVAL);
        assertThat(run(run).stateReason).isEqualTo("analysis asks for review (risk 10); tests passed");
    }

    @Test
    void failedTestsEndTheRunFailedNamingTheFirstFailures() {
        UUID run = testing(WITH_TESTS);
        completed(run, 1, "FAILED", 1, FAILED_REPORT, "2 tests failed").then().statusCode(200)
                .header("ce-type", EventTypes.RUN_FINISHED).body("state", is("FAILED"));
        assertThat(run(run).stateReason).isEqualTo("tests failed: 2 of 12: FooTest.bar: expected 1 but was 2; BazTest.qux: boom");
        assertThat(checks(run, true)).hasSize(1);
        api().get("/runs/" + run).then().body("stages.tests.outcome", is("FAILED")).body("stages.tests.exitCode", is(1))
                .body("stages.tests.report.failures[0].file", is("src/test/java/com/acme/FooTest.java"))
                .body("stages.tests.report.failures[0].line", is(17));
        // the run's page names the failures with their message and place
        io.restassured.RestAssured.given().cookie("sluice-token", ADMIN_TOKEN).get("/ui/runs/" + run).then().statusCode(200)
                .body(containsString("Tests: 10/12 passed, 2 failed in 5.1 s"))
                .body(containsString("src/test/java/com/acme/FooTest.java:17"))
                .body(containsString("expected 1 but was 2"));
    }

    @Test
    void testsThatFailWithoutAReportEndFailedWithTheExitCode() {
        UUID run = testing(WITH_TESTS);
        completed(run, 1, "FAILED", 2, "null", "no JUnit XML report found").then().statusCode(200);
        assertThat(run(run).stateReason).isEqualTo("tests failed: the command exited with 2: no JUnit XML report found");
    }

    @Test
    void testsThatTimeOutEndTheRunFailedSayingSo() {
        UUID run = testing(WITH_TESTS);
        completed(run, 1, "TIMED_OUT", null, "null", null).then().statusCode(200).body("state", is("FAILED"));
        assertThat(run(run).stateReason).isEqualTo("tests timed out after 90s");
    }

    @Test
    void testsThatCouldNotRunEndTheRunFailedWithTheReason() {
        UUID run = testing(WITH_TESTS);
        completed(run, 1, "ERROR", null, "null", "no test runner here: install podman, or set sluice.validate.tests.runner=process")
                .then().statusCode(200);
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("tests could not run: no test runner here: install podman, or set "
                + "sluice.validate.tests.runner=process");
    }

    @Test
    void staleAndDuplicateTestResultsChangeNothing() {
        UUID run = testing(WITH_TESTS);
        // an attempt route never asked for
        completed(run, 2, "FAILED", 1, FAILED_REPORT, null).then().statusCode(204);
        progressed(run, 2, "running", "running for 3 s").then().statusCode(204);
        assertThat(state(run)).isEqualTo(TESTING);
        assertThat(run(run).testsSummary).isNull();

        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200);
        assertThat(state(run)).isEqualTo(DEPLOYING);
        // a second completion of the same attempt (another check answered it too), and a late progress line
        completed(run, 1, "FAILED", 1, FAILED_REPORT, null).then().statusCode(204);
        progressed(run, 1, "running", "running for 9 s").then().statusCode(204);
        assertThat(state(run)).isEqualTo(DEPLOYING);
        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING, VALIDATING, TESTING, QUEUED, DEPLOYING);
        api().get("/runs/" + run).then().body("stages.tests.outcome", is("PASSED"))
                .body("events.detail", hasItem(containsString("stale result: answers attempt 2, the run waits for attempt 1")))
                .body("events.detail", hasItem(containsString("stale result: run is DEPLOYING, not TESTING")));
    }

    @Test
    void eachTickAsksHowTheTestsOfATestingRunAreDoing() {
        UUID run = testing(WITH_TESTS);
        int before = checks(run, false).size();
        result(EventTypes.TICK, "{}").then().statusCode(200);
        result(EventTypes.TICK, "{}").then().statusCode(200);
        List<OutboxEvent> asked = checks(run, false);
        assertThat(asked).hasSize(before + 2);
        assertThat(asked.get(asked.size() - 1).event).contains("\"handle\":\"sluice-tests-" + run + "-1\"")
                .contains("\"attempt\":1").contains("\"image\":\"maven:3-eclipse-temurin-21\"");
        progressed(run, 1, "running", "running for 42 s").then().statusCode(204);
        api().get("/runs/" + run).then().body("stages.tests.phase", is("running")).body("stages.tests.detail", is("running for 42 s"));

        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200);
        int after = checks(run, false).size();
        result(EventTypes.TICK, "{}").then().statusCode(200);
        assertThat(checks(run, false)).as("no checks once the tests ended").hasSize(after);
    }

    @Test
    void aTestingRunTimesOutAfterItsTestsTimeoutAndAGrace() {
        UUID run = testing(WITH_TESTS);
        // 90s and the 2m grace: 3 minutes in, it still waits
        startedAgo(run, 180);
        result(EventTypes.TICK, "{}").then().statusCode(200);
        assertThat(state(run)).isEqualTo(TESTING);
        startedAgo(run, 211);
        result(EventTypes.TICK, "{}").then().statusCode(200);
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("timed out: no test result 210s after the tests were requested "
                + "(their timeout 90s and a grace of 2m)");
        assertThat(checks(run, true)).as("validate is told to stop them").hasSize(1);
    }

    @Test
    void aNewerPushSupersedesATestingRunAndItsTestsAreStopped() {
        String repo = "/repos/" + UUID.randomUUID();
        UUID run = startRun(repo, "refs/heads/main");
        analysis(run, 1, "APPROVE", WITH_TESTS);
        validation(run, 1, true, "ok").then().header("ce-type", EventTypes.TESTS_REQUESTED);
        UUID newer = startRun(repo, "refs/heads/main");
        assertThat(state(run)).isEqualTo(SUPERSEDED);
        assertThat(run(run).stateReason).startsWith("superseded by run " + newer);
        assertThat(checks(run, true)).hasSize(1);
        completed(run, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(204);
        assertThat(state(run)).isEqualTo(SUPERSEDED);
    }

    @Test
    void aCancelledTestingRunHasItsTestsStopped() {
        UUID run = testing(WITH_TESTS);
        api().post("/runs/" + run + "/cancel").then().statusCode(200).body("state", is("CANCELLED"));
        assertThat(checks(run, true)).hasSize(1);
    }

    @Test
    void aRetryableFailureToStartTheTestsIsRetriedWithANewHandleThenFails() {
        UUID run = testing(WITH_TESTS);
        for (int attempt = 1; attempt <= 3; attempt++) {
            result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt
                    + ",\"stage\":\"tests\",\"error\":\"git unreachable\",\"retryable\":true}").then().statusCode(attempt < 3 ? 204 : 200);
            if (attempt < 3) {
                assertThat(run(run).retryAt).isNotNull();
                QuarkusTransaction.requiringNew().run(() -> Run.<Run> findById(run).retryAt = Instant.now().minusSeconds(1));
                result(EventTypes.TICK, "{}").then().statusCode(200).header("ce-type", EventTypes.TESTS_REQUESTED)
                        .header("ce-subject", run.toString()).body("attempt", is(attempt + 1))
                        .body("handle", is("sluice-tests-" + run + "-" + (attempt + 1)));
            }
        }
        assertThat(state(run)).isEqualTo(FAILED);
        assertThat(run(run).stateReason).isEqualTo("tests failed (after 3 attempts): git unreachable");
    }

    @Test
    void aStepFailureOfTheTestsThatIsNotRetryableFailsTheRunAtOnce() {
        UUID run = testing(WITH_TESTS);
        result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":1,\"stage\":\"tests\",\"error\":\"repository "
                + "not allowed\",\"retryable\":false}").then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED);
        assertThat(run(run).stateReason).isEqualTo("tests failed: repository not allowed");
    }

    @Test
    void aRetriedRunRunsItsTestsAgainUnderANewHandle() {
        String repo = "/repos/" + UUID.randomUUID();
        push(repo, "refs/heads/main", sha()).then().statusCode(200);
        UUID first = QuarkusTransaction.requiringNew().call(() -> Run.<Run> find("repositoryUrl", repo).firstResult().id);
        analysis(first, 1, "APPROVE", WITH_TESTS);
        validation(first, 1, true, "ok").then().header("ce-type", EventTypes.TESTS_REQUESTED);
        completed(first, 1, "FAILED", 1, FAILED_REPORT, null).then().statusCode(200);
        assertThat(state(first)).isEqualTo(FAILED);

        UUID retry = UUID.fromString(api().contentType("application/json").body("{\"by\":\"lee\"}").post("/runs/" + first + "/retry")
                .then().statusCode(201).extract().path("id"));
        analysis(retry, 1, "APPROVE", WITH_TESTS).then().statusCode(200);
        validation(retry, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.TESTS_REQUESTED)
                .body("handle", is("sluice-tests-" + retry + "-1"));
        completed(retry, 1, "PASSED", 0, PASSED_REPORT, null).then().statusCode(200)
                .header("ce-type", EventTypes.DEPLOYMENT_REQUESTED).body("retry", is(true));
        assertThat(path(retry)).containsExactly(RECEIVED, ANALYZING, VALIDATING, TESTING, QUEUED, DEPLOYING);
    }

    @Test
    void aRunWithoutTestsHasNoTestingStep() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "APPROVE", SETTINGS_PROD);
        validation(run, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        assertThat(path(run)).containsExactly(RECEIVED, ANALYZING, VALIDATING, QUEUED, DEPLOYING);
        assertThat(checks(run, false)).isEmpty();
        api().get("/runs/" + run).then().body("stages", not(hasKey("tests")));
    }

    @Test
    void aTestResultWithoutAnOutcomeOrFromAnotherFunctionIsRefused() {
        UUID run = testing(WITH_TESTS);
        result(EventTypes.TESTS_COMPLETED, "{\"runId\":\"" + run + "\",\"attempt\":1}").then().statusCode(400)
                .body("error", containsString("missing outcome"));
        dev.sluice.testing.Events.postSigned("/", EventTypes.TESTS_COMPLETED, UUID.randomUUID().toString(), "/sluice/deploy", null,
                "{\"runId\":\"" + run + "\",\"attempt\":1,\"outcome\":\"PASSED\"}").then().statusCode(400)
                .body("error", containsString("must come from [/sluice/validate]"));
        assertThat(state(run)).isEqualTo(TESTING);
    }

    private static void startedAgo(UUID run, long seconds) {
        QuarkusTransaction.requiringNew().run(() -> Run.<Run> findById(run).stageStartedAt = Instant.now().minusSeconds(seconds));
    }
}
