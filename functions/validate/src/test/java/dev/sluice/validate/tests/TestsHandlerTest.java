package dev.sluice.validate.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.tests.TestReport;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/**
 * validate's tests handler over real CloudEvents, with the test-only {@link FakeTestRunner} selected: a request starts
 * the execution once however often it is delivered, checks answer running then completed with the report, a runner
 * that throws or cannot run here answers ERROR (never a 500), a stop removes the execution, bad requests get 400 and a
 * repository the allowlist refuses a step.failed. The choice of runner ({@code auto} and by name) is checked directly.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(TestsHandlerTest.FakeRunner.class)
class TestsHandlerTest {

    public static class FakeRunner implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.validate.tests.runner", "fake");
        }
    }

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String TESTS = "{\"image\":\"maven:3\",\"command\":[\"mvn\",\"test\"],\"timeout\":\"90s\",\"cpu\":\"2\","
            + "\"memory\":\"2Gi\",\"reports\":[\"**/target/surefire-reports/*.xml\"],\"network\":false}";

    @BeforeEach
    void reset() {
        FakeTestRunner.reset();
    }

    private static String data(UUID run, int attempt, String repo, String extra) {
        return "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"handle\":\"sluice-tests-" + run + "-" + attempt
                + "\",\"repositoryUrl\":\"" + repo + "\",\"sha\":\"" + SHA + "\",\"tests\":" + TESTS + extra + "}";
    }

    private static String repo() {
        return System.getProperty("java.io.tmpdir") + "/sluice-tests-repo";
    }

    private static Response post(String type, String id, UUID run, String data) {
        return Events.postSigned("/", type, id, "/sluice/route", run.toString(), data);
    }

    private static Response request(UUID run) {
        return post(EventTypes.TESTS_REQUESTED, UUID.randomUUID().toString(), run, data(run, 1, repo(), ""));
    }

    private static Response check(UUID run, boolean stop) {
        return post(EventTypes.TESTS_CHECK, UUID.randomUUID().toString(), run, data(run, 1, repo(), stop ? ",\"stop\":true" : ""));
    }

    @Test
    void aRequestStartsTheTestsOnceAndChecksFollowThemToTheirReport() {
        UUID run = UUID.randomUUID();
        String handle = "sluice-tests-" + run + "-1";
        String id = UUID.randomUUID().toString();
        String first = post(EventTypes.TESTS_REQUESTED, id, run, data(run, 1, repo(), "")).then().statusCode(200)
                .header("ce-type", EventTypes.TESTS_PROGRESSED).header("ce-source", "/sluice/validate")
                .header("ce-subject", run.toString()).header("ce-sluiceproof", notNullValue())
                .body("phase", is("started")).body("handle", is(handle)).body("attempt", is(1))
                .body("detail", is("started in fake execution " + handle + " (maven:3)")).extract().asString();
        // the same event again (the inbox answers), and the request redelivered under a new id: one execution
        assertThat(post(EventTypes.TESTS_REQUESTED, id, run, data(run, 1, repo(), "")).then().statusCode(200).extract().asString())
                .isEqualTo(first);
        request(run).then().statusCode(200).body("phase", is("started"));
        assertThat(FakeTestRunner.STARTED.get(handle).get()).isEqualTo(1);

        check(run, false).then().statusCode(200).header("ce-type", EventTypes.TESTS_PROGRESSED).body("phase", is("running"))
                .body("detail", is("running for 0 s"));
        TestReport report = new TestReport(12, 11, 1, 0, 0, 3400, List.of(new TestReport.TestFailure("com.acme.FooTest", "bar",
                "failure", "AssertionError", "expected 1 but was 2", "src/test/java/com/acme/FooTest.java", 17, 12L)),
                List.of("target/surefire-reports/TEST-com.acme.FooTest.xml"));
        FakeTestRunner.script(handle, new TestRunner.TestStatus.Finished(TestsOutcome.FAILED, report, 1, "1 test failed", Instant.now()));
        check(run, false).then().statusCode(200).header("ce-type", EventTypes.TESTS_COMPLETED).header("ce-sluiceproof", notNullValue())
                .body("outcome", is("FAILED")).body("exitCode", is(1)).body("reason", is("1 test failed"))
                .body("report.total", is(12)).body("report.failures[0].name", is("bar"))
                .body("report.failures[0].file", is("src/test/java/com/acme/FooTest.java")).body("report.failures[0].line", is(17));
        // a completed execution stays readable until route says stop
        check(run, false).then().statusCode(200).body("outcome", is("FAILED"));

        check(run, true).then().statusCode(204);
        assertThat(FakeTestRunner.STOPPED.get(handle).get()).isEqualTo(1);
        assertThat(FakeTestRunner.STATUS).doesNotContainKey(handle);
    }

    @Test
    void aRunnerThatCannotStartAnswersErrorWithTheReasonAndOneThatCannotBeAskedNowIsStillRunningNeverA500() {
        UUID run = UUID.randomUUID();
        FakeTestRunner.failing = new TestRunner.TestRunnerException("image maven:3 is not here and cannot be pulled");
        request(run).then().statusCode(200).header("ce-type", EventTypes.TESTS_COMPLETED).body("outcome", is("ERROR"))
                .body("reason", is("the fake runner could not start the tests: image maven:3 is not here and cannot be pulled"));
        // a check the runner cannot answer now decides nothing: still running, asked again on the next tick
        FakeTestRunner.failing = new IllegalStateException("podman: connection refused");
        check(run, false).then().statusCode(200).header("ce-type", EventTypes.TESTS_PROGRESSED).body("phase", is("running"))
                .body("detail", containsString("podman: connection refused"));
        // stopping fails quietly: the run has moved on
        check(run, true).then().statusCode(204);
    }

    @Test
    void aRunnerThatCannotRunHereAnswersErrorSayingWhy() {
        FakeTestRunner.unavailableBecause = "switched off";
        request(UUID.randomUUID()).then().statusCode(200).header("ce-type", EventTypes.TESTS_COMPLETED).body("outcome", is("ERROR"))
                .body("reason", is("the fake test runner cannot run here: switched off"));
        assertThat(FakeTestRunner.STARTED).isEmpty();
    }

    @Test
    void aCheckOfAnExecutionThatIsGoneAnswersWhatTheRunnerSays() {
        check(UUID.randomUUID(), false).then().statusCode(200).header("ce-type", EventTypes.TESTS_COMPLETED)
                .body("outcome", is("ERROR")).body("reason", startsWith("no execution sluice-tests-"));
    }

    @Test
    void aRepositoryTheAllowlistRefusesIsAStepFailureOfTheTestsThatIsNotRetried() {
        UUID run = UUID.randomUUID();
        post(EventTypes.TESTS_REQUESTED, UUID.randomUUID().toString(), run, data(run, 1, "https://evil.example.com/x.git", ""))
                .then().statusCode(200).header("ce-type", EventTypes.STEP_FAILED).body("stage", is("tests"))
                .body("retryable", is(false)).body("error", containsString("evil.example.com"));
        assertThat(FakeTestRunner.STARTED).isEmpty();
    }

    @Test
    void requestsThatCanNeverSucceedGet400NamingTheProblem() {
        UUID run = UUID.randomUUID();
        post(EventTypes.TESTS_REQUESTED, UUID.randomUUID().toString(), run, data(run, 1, repo(), "").replace("-1\"", "-7\""))
                .then().statusCode(400).body("error", containsString("(sluice-tests-" + run + "-1), got 'sluice-tests-" + run + "-7'"));
        post(EventTypes.TESTS_REQUESTED, UUID.randomUUID().toString(), run, data(run, 1, repo(), "").replace(SHA, "main"))
                .then().statusCode(400).body("error", containsString("sha must be a full 40-character hex commit id"));
        post(EventTypes.TESTS_CHECK, UUID.randomUUID().toString(), run, data(run, 1, repo(), "").replace("\"tests\":" + TESTS, "\"tests\":null"))
                .then().statusCode(400).body("error", containsString("tests must name an image"));
        // only route asks
        Events.postSigned("/", EventTypes.TESTS_REQUESTED, UUID.randomUUID().toString(), "/sluice/deploy", run.toString(),
                data(run, 1, repo(), "")).then().statusCode(400).body("error", containsString("must come from [/sluice/route]"));
        assertThat(FakeTestRunner.STARTED).isEmpty();
    }

    // ---- which runner ------------------------------------------------------------------------

    private static TestRunner runner(String name, String unavailable) {
        return new TestRunner() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> unavailable() {
                return Optional.ofNullable(unavailable);
            }

            @Override
            public String start(TestJob job) {
                return name;
            }

            @Override
            public TestStatus status(TestJob job) {
                return new TestStatus.Running(name);
            }

            @Override
            public void stop(TestJob job) {
            }
        };
    }

    @Test
    void autoPicksKubernetesInAClusterElsePodmanElseTheProcessRunnerWhenSwitchedOn() {
        List<TestRunner> all = List.of(runner("kubernetes", null), runner("podman", null), runner("process", null));
        assertThat(TestsHandler.select("auto", true, all).runner().name()).isEqualTo("kubernetes");
        assertThat(TestsHandler.select("auto", false, all).runner().name()).isEqualTo("podman");
        List<TestRunner> noPodman = List.of(runner("kubernetes", "not in a cluster"), runner("podman", "podman is not installed"),
                runner("process", null));
        assertThat(TestsHandler.select("auto", false, noPodman).runner().name()).isEqualTo("process");
        List<TestRunner> none = List.of(runner("podman", "podman is not installed"),
                runner("process", "sluice.validate.tests.process.enabled is false"));
        TestsHandler.Selected nothing = TestsHandler.select(null, false, none);
        assertThat(nothing.runner()).isNull();
        assertThat(nothing.why()).isEqualTo("no test runner here (podman: podman is not installed; process: "
                + "sluice.validate.tests.process.enabled is false): install podman, or set sluice.validate.tests.process.enabled=true"
                + " to run them as a child process");
        assertThat(TestsHandler.select("auto", true, none).why()).startsWith("no test runner here (kubernetes: validate has no kubernetes runner)");
    }

    @Test
    void aRunnerByNameIsThatRunnerIfItCanRunHereAndNoneRunsNothing() {
        List<TestRunner> all = List.of(runner("podman", "podman is not installed"), runner("process", null));
        assertThat(TestsHandler.select(" Process ", false, all).runner().name()).isEqualTo("process");
        assertThat(TestsHandler.select("podman", false, all).why()).isEqualTo("the podman test runner cannot run here: podman is not installed");
        assertThat(TestsHandler.select("docker", false, all).why())
                .isEqualTo("no test runner here: sluice.validate.tests.runner names 'docker', which validate does not have (it has [podman, process])");
        assertThat(TestsHandler.select("none", false, all).runner()).isNull();
        assertThat(TestsHandler.select("none", false, all).why()).isEqualTo("no test runner here: sluice.validate.tests.runner is none");
    }
}
