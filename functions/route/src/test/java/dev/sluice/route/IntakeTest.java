package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventProof;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/** Pushes as CloudEvents from every source Sluice accepts, duplicates, and bad input. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class IntakeTest {

    private static Response binary(String type, String id, String data) {
        if (EventProof.needsProof(type)) {
            return Events.postSigned("/", type, id, senderOf(type, data), null, data);
        }
        return given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", type).header("ce-source", "https://github.com/o/r").body(data).post("/");
    }

    private static String fixtureText(String relative) throws IOException {
        return Files.readString(fixture(relative));
    }

    @Test
    void theSamePushDeliveredTwiceMakesOneRunAndGetsTheSameReply() {
        String id = UUID.randomUUID().toString();
        String data = "{\"repository\":{\"url\":\"/r/" + id + "\"},\"ref\":\"refs/heads/main\",\"after\":\"" + sha() + "\"}";
        long before = runCount();
        Response first = binary(EventTypes.PUSH, id, data);
        Response second = binary(EventTypes.PUSH, id, data);
        first.then().statusCode(200);
        second.then().statusCode(200);
        assertThat(second.header("ce-id")).isEqualTo(first.header("ce-id"));
        assertThat(second.header("ce-subject")).isEqualTo(first.header("ce-subject"));
        assertThat(second.asString()).isEqualTo(first.asString());
        assertThat(runCount()).isEqualTo(before + 1);
    }

    @Test
    void aStructuredModePushGetsAStructuredReply() {
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"dev.sluice.push\",\"source\":\"/curl\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"repository\":{\"url\":\"/r/s\"},\"ref\":\"refs/tags/v1.0\",\"after\":\"" + sha() + "\"}}";
        given().contentType("application/cloudevents+json").body(body).post("/").then().statusCode(200)
                .contentType(containsString("application/cloudevents+json"))
                .body("type", is(EventTypes.ANALYSIS_REQUESTED)).body("data.ref", is("refs/tags/v1.0"))
                .body("subject", notNullValue());
    }

    @Test
    void githubSourcePushesOfBranchesAndTagsStartRuns() throws IOException {
        for (String f : List.of("octokit-push-branch-created-4.json", "octokit-push-branch-created-5.json",
                "octokit-push-tag-created-0.json", "go-playground-push.json")) {
            Response r = binary(EventTypes.GITHUB_PUSH, UUID.randomUUID().toString(), fixtureText("webhooks/github/" + f));
            r.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED).body("repositoryUrl", startsWith("https://github.com/"));
            Run run = run(UUID.fromString(r.header("ce-subject")));
            assertThat(run.state).as(f).isEqualTo(RunState.ANALYZING);
        }
    }

    @Test
    void aBranchCreatedPushHasNoBaseCommitSoTheWholeTreeIsAnalysed() throws IOException {
        Response r = binary(EventTypes.GITHUB_PUSH, UUID.randomUUID().toString(), fixtureText("webhooks/github/octokit-push-branch-created-4.json"));
        r.then().statusCode(200).body("before", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = { "octokit-push-tag-deleted-1.json", "octokit-push-tag-deleted-2.json", "octokit-push-tag-deleted-3.json",
            "octokit-push-tag-deleted-6.json" })
    void aDeletionIsAcknowledgedAndStartsNoRun(String f) throws IOException {
        long before = runCount();
        binary(EventTypes.GITHUB_PUSH, UUID.randomUUID().toString(), fixtureText("webhooks/github/" + f)).then().statusCode(204);
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "go-gitlab-push.json", "go-gitlab-tag_push.json", "go-playground-push-event.json",
            "go-playground-system-push-event.json", "go-playground-tag-event.json" })
    void gitlabSourcePushesStartRuns(String f) throws IOException {
        String type = f.contains("tag") ? EventTypes.GITLAB_TAG_PUSH : EventTypes.GITLAB_PUSH;
        Response r = binary(type, UUID.randomUUID().toString(), fixtureText("webhooks/gitlab/" + f));
        r.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED).body("repositoryUrl", notNullValue());
        assertThat(run(UUID.fromString(r.header("ce-subject"))).state).isEqualTo(RunState.ANALYZING);
    }

    @Test
    void aGithubPingCloudEventIsNotARoutedTypeAndGetsA400NamingIt() throws IOException {
        binary("dev.knative.source.github.ping", UUID.randomUUID().toString(), fixtureText("webhooks/github/octokit-ping-0.json"))
                .then().statusCode(400).contentType(containsString("json"))
                .body("error", containsString("unknown event type 'dev.knative.source.github.ping'"))
                .body("accepted", hasItem(EventTypes.PUSH));
    }

    @ParameterizedTest
    @ValueSource(strings = { "fail_numeric_decimal.json", "fail_numeric_long.json", "json_data_with_ext_invalid.json" })
    void sdkFailEventsAreRefusedWith400(String f) throws IOException {
        long before = runCount();
        given().contentType("application/cloudevents+json").body(fixtureText("cloudevents/sdk-java-json/" + f)).post("/")
                .then().statusCode(400).contentType(containsString("json")).body("error", containsString("not a valid CloudEvent"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aValidConformanceEventOfAnUnknownTypeIsA400NotA404() throws IOException {
        given().contentType("application/cloudevents+json").body(fixtureText("cloudevents/sdk-java-json/json_data.json")).post("/")
                .then().statusCode(400).body("error", containsString("unknown event type"));
    }

    @Test
    void badInputGets400WithAJsonBodyAndCreatesNoRun() {
        long before = runCount();
        // not a CloudEvent at all
        given().contentType("application/json").body("{\"hello\":1}").post("/").then().statusCode(400)
                .body("error", containsString("not a CloudEvent"));
        // binary mode without specversion
        given().contentType("application/json").header("ce-id", "1").header("ce-type", EventTypes.PUSH).body("{}").post("/")
                .then().statusCode(400).body("error", containsString("ce-specversion"));
        // structured mode, empty body
        given().contentType("application/cloudevents+json").body("").post("/").then().statusCode(400);
        // structured mode, not JSON
        given().contentType("application/cloudevents+json").body("{nope").post("/").then().statusCode(400)
                .body("error", containsString("not a valid CloudEvent"));
        // data that is not JSON
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), "this is not json").then().statusCode(400)
                .body("error", containsString("not valid JSON"));
        // a push missing what it needs
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"repository\":{\"url\":\"/r\"},\"ref\":\"refs/heads/main\"}")
                .then().statusCode(400).body("error", containsString("'after'"));
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha() + "\"}")
                .then().statusCode(400).body("error", containsString("repository URL"));
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"repository\":{\"url\":\"/r\"},\"ref\":\"main\",\"after\":\"" + sha() + "\"}")
                .then().statusCode(400).body("error", containsString("neither a branch"));
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"repository\":{\"url\":\"/r\"},\"ref\":\"refs/heads/main\",\"after\":\"xyz\"}")
                .then().statusCode(400).body("error", containsString("40 hex"));
        // a result with a field of the wrong type
        binary(EventTypes.ANALYSIS_COMPLETED, UUID.randomUUID().toString(), "{\"runId\":\"not-a-uuid\"}")
                .then().statusCode(400).body("error", containsString("runId"));
        binary(EventTypes.DEPLOYMENT_COMPLETED, UUID.randomUUID().toString(), "{\"runId\":\"" + UUID.randomUUID() + "\"}")
                .then().statusCode(400).body("error", containsString("outcome"));
        // batch mode
        given().contentType("application/cloudevents-batch+json").body("[]").post("/").then().statusCode(400)
                .body("error", containsString("batch"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aResultForAnUnknownRunIsIgnoredNotAnError() {
        analysis(UUID.randomUUID(), 1, "APPROVE", SETTINGS_PROD).then().statusCode(204);
    }

    @Test
    void aRunCommandEventApprovesAWaitingRun() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, 1, "NEEDS_REVIEW", SETTINGS_PROD.replace("production", "cmd-" + UUID.randomUUID()));
        validation(run, 1, true, "ok");
        result(EventTypes.RUN_APPROVE, "{\"runId\":\"" + run + "\",\"by\":\"sam\"}").then().statusCode(200)
                .header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        assertThat(QuarkusTransaction.requiringNew().call(() -> Run.<Run> findById(run).state)).isEqualTo(RunState.DEPLOYING);
    }

    @Test
    void aResultMissingWhatItNeedsGets400NamingTheFieldsAndChangesNoRun() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String id = "\"runId\":\"" + run + "\"";
        binary(EventTypes.ANALYSIS_COMPLETED, UUID.randomUUID().toString(), "{" + id + ",\"attempt\":1,\"riskScore\":5}")
                .then().statusCode(400).contentType(containsString("json")).body("error", containsString("missing decision, settings"));
        binary(EventTypes.ANALYSIS_COMPLETED, UUID.randomUUID().toString(), "{" + id + ",\"decision\":\"APPROVE\",\"riskScore\":5,\"settings\":{}}")
                .then().statusCode(400).body("error", containsString("missing attempt"));
        binary(EventTypes.ANALYSIS_COMPLETED, UUID.randomUUID().toString(), "{" + id + ",\"attempt\":0,\"decision\":\"APPROVE\",\"riskScore\":5,\"settings\":{}}")
                .then().statusCode(400).body("error", containsString("'attempt' must be a whole number from 1"));
        binary(EventTypes.VALIDATION_COMPLETED, UUID.randomUUID().toString(), "{" + id + ",\"attempt\":1}")
                .then().statusCode(400).body("error", containsString("missing passed, summary"));
        binary(EventTypes.STEP_FAILED, UUID.randomUUID().toString(), "{" + id + ",\"attempt\":1,\"stage\":\"analysis\"}")
                .then().statusCode(400).body("error", containsString("missing error, retryable"));
        binary(EventTypes.DEPLOYMENT_PROGRESSED, UUID.randomUUID().toString(), "{" + id + ",\"attempt\":1}")
                .then().statusCode(400).body("error", containsString("missing releaseId, step, trafficPercent"));
        assertThat(run(run).state).isEqualTo(RunState.ANALYZING);
        api().get("/runs/" + run).then().body("events.size()", is(0));
    }

    @Test
    void attributesAndPushFieldsLongerThanWhatIsStoredGet400NotA500() {
        long before = runCount();
        String data = "{\"repository\":{\"url\":\"/r/x\"},\"ref\":\"refs/heads/main\",\"after\":\"" + sha() + "\"}";
        binary(EventTypes.PUSH, "i".repeat(600), data).then().statusCode(400).contentType(containsString("json"))
                .body("error", containsString("'id' is 600 characters long: at most 500"));
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), data.replace("refs/heads/main", "refs/heads/" + "b".repeat(1100)))
                .then().statusCode(400).body("error", containsString("'ref' is 1111 characters long"));
        binary(EventTypes.PUSH, UUID.randomUUID().toString(), data.replace("\"url\":\"/r/x\"", "\"url\":\"/r/x\",\"name\":\"" + "n".repeat(501) + "\""))
                .then().statusCode(400).body("error", containsString("'repository name' is 501 characters long"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aFailureWhoseErrorIsLongerThanAReasonColumnFailsTheRunWithTheReasonCut() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        result(EventTypes.STEP_FAILED, "{\"runId\":\"" + run + "\",\"attempt\":1,\"stage\":\"analysis\",\"error\":\""
                + "e".repeat(5000) + "\",\"retryable\":false}").then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED);
        Run failed = run(run);
        assertThat(failed.state).isEqualTo(RunState.FAILED);
        assertThat(failed.stateReason).hasSize(4000).endsWith("(cut here)");
    }

    @Test
    void aPushDeliveredAfterTheOneThatMovedItsRefOnEndsSupersededAndSupersedesNothing() {
        String repo = "/repos/" + UUID.randomUUID();
        String a = sha();
        String b = sha();
        Response newer = binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"repository\":{\"url\":\"" + repo
                + "\"},\"ref\":\"refs/heads/main\",\"before\":\"" + a + "\",\"after\":\"" + b + "\"}");
        newer.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED);
        UUID newerRun = UUID.fromString(newer.header("ce-subject"));
        // the push that made a, delivered late
        Response older = binary(EventTypes.PUSH, UUID.randomUUID().toString(), "{\"repository\":{\"url\":\"" + repo
                + "\"},\"ref\":\"refs/heads/main\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + a + "\"}");
        older.then().statusCode(200).header("ce-type", EventTypes.RUN_FINISHED).body("state", is("SUPERSEDED"));
        UUID olderRun = UUID.fromString(older.header("ce-subject"));
        assertThat(run(olderRun).stateReason).contains("older than run " + newerRun).contains("moved it on from");
        assertThat(path(olderRun)).containsExactly(RunState.RECEIVED, RunState.SUPERSEDED);
        assertThat(run(newerRun).state).isEqualTo(RunState.ANALYZING);
    }
}
