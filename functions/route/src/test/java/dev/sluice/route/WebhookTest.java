package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.testing.PostgresTestResource;

/**
 * Raw webhooks: signatures, the forges' real payloads, the runs they start (named in the answer), and replays under new
 * delivery ids, which start no second run. Fixtures get a fresh {@code after} so each test's pushes are its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class WebhookTest {

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static byte[] bytes(String fixture) throws IOException {
        return Files.readAllBytes(fixture(fixture));
    }

    private static io.restassured.response.Response github(byte[] body, String delivery) throws Exception {
        return given().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body).post("/webhooks/github");
    }

    private static io.restassured.response.Response gitlab(byte[] body, String delivery) {
        return given().contentType("application/json").header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "test-gitlab-token")
                .header("X-Gitlab-Event-UUID", delivery).body(body).post("/webhooks/gitlab");
    }

    private static List<Run> runsOf(String after) {
        return QuarkusTransaction.requiringNew().call(() -> Run.<Run> list("afterSha = ?1 order by createdAt", after));
    }

    @Test
    void aSignedGithubPushStartsItsRunAtOnceAndTheAnswerNamesIt() throws Exception {
        String after = sha();
        String delivery = UUID.randomUUID().toString();
        String id = github(withAfter("webhooks/github/octokit-push-branch-created-4.json", after), delivery).then().statusCode(202)
                .body("accepted", is(true)).body("eventId", is("github-" + delivery)).body("skipped", empty())
                .body("runs.size()", is(1)).body("runs[0].ref", startsWith("refs/heads/")).body("runs[0].sha", is(after))
                .body("runs[0].state", is("ANALYZING")).body("runs[0].eventId", is("github-" + delivery))
                .extract().path("runs[0].id");
        List<Run> runs = runsOf(after);
        assertThat(runs).extracting(r -> r.id.toString()).containsExactly(id);
        assertThat(runs.get(0).repositoryUrl).startsWith("https://github.com/");
        assertThat(runs.get(0).beforeSha).isNull();
        // route's analysis request waits in the outbox for the broker; the push itself never travels
        assertThat(outbox(EventTypes.ANALYSIS_REQUESTED)).filteredOn(o -> o.event.contains(id)).hasSize(1);
        assertThat(outbox(EventTypes.PUSH)).noneMatch(o -> o.eventId.equals("github-" + delivery));
        api().get("/runs/" + id).then().statusCode(200).body("transitions[0].actor", is("route"));
    }

    @Test
    void aGithubPushReplayedUnderANewDeliveryIdStartsNoSecondRunAndTheReplayNamesTheFirst() throws Exception {
        String after = sha();
        byte[] body = withAfter("webhooks/github/go-playground-push.json", after);
        String first = github(body, UUID.randomUUID().toString()).then().statusCode(202).extract().path("runs[0].id");
        github(body, UUID.randomUUID().toString()).then().statusCode(200).body("runs.size()", is(1))
                .body("runs[0].id", is(first)).body("runs[0].replay", is(true))
                .body("runs[0].reason", containsString("already started run " + first));
        // the very same delivery again, as a forge's redelivery does
        assertThat(runsOf(after)).hasSize(1);
        // another before (a force push onto the same commit) is another push
        byte[] forced = new String(body).replace("737d38c599c1b2991664dfc6155d6bf516fcce36", sha()).getBytes();
        github(forced, UUID.randomUUID().toString()).then().statusCode(202).body("runs[0].id", not(first));
        assertThat(runsOf(after)).hasSize(2);
    }

    @Test
    void aGitlabPushReplayedUnderANewDeliveryIdStartsNoSecondRun() throws Exception {
        String after = sha();
        byte[] body = withAfter("webhooks/gitlab/go-gitlab-push.json", after);
        String delivery = UUID.randomUUID().toString();
        String first = gitlab(body, delivery).then().statusCode(202).body("runs[0].sha", is(after)).extract().path("runs[0].id");
        gitlab(body, UUID.randomUUID().toString()).then().statusCode(200).body("runs[0].id", is(first)).body("runs[0].replay", is(true));
        gitlab(body, delivery).then().statusCode(200).body("runs[0].id", is(first));
        assertThat(runsOf(after)).hasSize(1);
        assertThat(outbox(EventTypes.ANALYSIS_REQUESTED)).filteredOn(o -> o.event.contains(first)).hasSize(1);
    }

    @Test
    void replaysOfOnePushDeliveredConcurrentlyUnderManyDeliveryIdsStartOneRun() throws Exception {
        String after = sha();
        byte[] body = withAfter("webhooks/github/go-playground-push.json", after);
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> statuses = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                statuses.add(pool.submit(() -> {
                    go.await();
                    var r = github(body, UUID.randomUUID().toString());
                    ids.add(r.path("runs[0].id"));
                    return r.statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new java.util.ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(codes).containsOnly(200, 202).filteredOn(c -> c == 202).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids).hasSize(1);
        assertThat(runsOf(after)).hasSize(1);
    }

    @Test
    void aWrongOrMissingGithubSignatureGets401AndStartsNothing() throws Exception {
        byte[] body = withAfter("webhooks/github/go-playground-push.json", sha());
        long before = runCount();
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + hmac("wrong-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-GitHub-Event", "push").body(body)
                .post("/webhooks/github").then().statusCode(401).body("error", containsString("missing"));
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "octokit-ping-0.json", "octokit-ping-1.json", "octokit-ping-2.json", "octokit-ping-3.json" })
    void aGithubPingIsAnsweredAndStartsNothingEvenForAnOrganizationHook(String f) throws Exception {
        byte[] body = bytes("webhooks/github/" + f);
        long before = runCount();
        given().contentType("application/json").header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(200).body("pong", is(true));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aDeliveryIdTooLongForAnEventIdIsReplacedByItsHashSoARedeliveryIsStillTheSameEvent() throws Exception {
        byte[] body = withAfter("webhooks/github/octokit-push-branch-created-5.json", sha());
        String delivery = "d".repeat(300);
        String id = github(body, delivery).then().statusCode(202).body("eventId", startsWith("github-sha256-")).extract().path("eventId");
        assertThat(id).hasSize("github-sha256-".length() + 64);
        String run = github(body, delivery).then().statusCode(200).body("eventId", is(id)).extract().path("runs[0].id");
        assertThat(run(UUID.fromString(run)).causeEventId).isEqualTo(id);
    }

    @Test
    void aGithubTagDeletionIsAcknowledgedWithoutARunAndSaysWhy() throws Exception {
        byte[] body = bytes("webhooks/github/octokit-push-tag-deleted-1.json");
        github(body, UUID.randomUUID().toString()).then().statusCode(200).body("runs", empty())
                .body("skipped[0].ref", startsWith("refs/tags/")).body("skipped[0].reason", containsString("deleted"));
    }

    @Test
    void gitlabPushesNeedTheToken() throws Exception {
        byte[] body = withAfter("webhooks/gitlab/go-gitlab-push.json", sha());
        given().contentType("application/json").header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "nope").body(body)
                .post("/webhooks/gitlab").then().statusCode(401);
        gitlab(body, UUID.randomUUID().toString()).then().statusCode(202).body("runs.size()", is(1));
        String tagged = sha();
        byte[] tag = withAfter("webhooks/gitlab/go-gitlab-tag_push.json", tagged);
        given().contentType("application/json").header("X-Gitlab-Event", "Tag Push Hook").header("X-Gitlab-Token", "test-gitlab-token").body(tag)
                .post("/webhooks/gitlab").then().statusCode(202).body("runs[0].ref", startsWith("refs/tags/")).body("runs[0].sha", is(tagged));
    }

    @Test
    void giteaAndGogsPushesAreSignedWithAHexHmac() throws Exception {
        for (String f : new String[] { "webhooks/gitea/go-playground-push-event.json", "webhooks/gogs/go-playground-push-event.json" }) {
            byte[] body = withAfter(f, sha());
            String header = f.contains("gogs") ? "X-Gogs-Signature" : "X-Gitea-Signature";
            String event = f.contains("gogs") ? "X-Gogs-Event" : "X-Gitea-Event";
            given().contentType("application/json").header(event, "push").header(header, hmac("test-gitea-secret", body)).body(body)
                    .post("/webhooks/gitea").then().statusCode(202).body("runs.size()", is(1)).body("runs[0].state", is("ANALYZING"));
            given().contentType("application/json").header(event, "push").header(header, hmac("other", body)).body(body)
                    .post("/webhooks/gitea").then().statusCode(401);
        }
    }

    @Test
    void aSignedBitbucketPushStartsOneRunPerChangedRef() throws Exception {
        String after = sha();
        byte[] body = withAfter("webhooks/bitbucket/go-playground-repo-push.json", after);
        String delivery = UUID.randomUUID().toString();
        String id = given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Request-UUID", delivery)
                .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body)).body(body)
                .post("/webhooks/bitbucket").then().statusCode(202)
                .body("runs.size()", is(1)).body("runs[0].eventId", is("bitbucket-" + delivery))
                .body("runs[0].ref", is("refs/heads/name-of-branch")).extract().path("runs[0].id");
        Run run = run(UUID.fromString(id));
        assertThat(run.afterSha).isEqualTo(after);
        assertThat(run.beforeSha).isEqualTo("1e65c05c1d5171631d92438a13901ca7dae9618c");
        assertThat(run.repositoryName).isEqualTo("team_name/repo_name");
        assertThat(run.pusher).isEqualTo("emmap1");
    }

    @Test
    void aBitbucketPushOfTwoRefsAnswersTheRunOfOneAndWhyTheDeletedOneStartedNone() throws Exception {
        String after = sha();
        String json = "{\"repository\":{\"full_name\":\"t/two-refs\"},\"push\":{\"changes\":["
                + "{\"new\":{\"type\":\"branch\",\"name\":\"main\",\"target\":{\"hash\":\"" + after + "\"}},\"old\":null},"
                + "{\"new\":null,\"old\":{\"type\":\"branch\",\"name\":\"gone\",\"target\":{\"hash\":\"" + sha() + "\"}}}]}}";
        byte[] body = json.getBytes();
        given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Request-UUID", UUID.randomUUID().toString())
                .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body)).body(body)
                .post("/webhooks/bitbucket").then().statusCode(202)
                .body("runs.size()", is(1)).body("runs[0].ref", is("refs/heads/main")).body("runs[0].sha", is(after))
                .body("skipped.size()", is(1)).body("skipped[0].ref", is("refs/heads/gone"))
                .body("skipped[0].reason", containsString("refs/heads/gone was deleted"));
        assertThat(runsOf(after)).hasSize(1);
    }

    @Test
    void aBitbucketWebhookWithAWrongSignatureGets401AndOneThatIsNoPushStartsNothing() throws Exception {
        byte[] body = withAfter("webhooks/bitbucket/go-playground-repo-push.json", sha());
        long before = runCount();
        given().contentType("application/json").header("X-Event-Key", "repo:push")
                .header("X-Hub-Signature", "sha256=" + hmac("wrong", body)).body(body)
                .post("/webhooks/bitbucket").then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-Event-Key", "repo:push").body(body)
                .post("/webhooks/bitbucket").then().statusCode(401).body("error", containsString("missing X-Hub-Signature"));
        String signature = "sha256=" + hmac("test-bitbucket-secret", body);
        given().contentType("application/json").header("X-Event-Key", "pullrequest:created").header("X-Hub-Signature", signature)
                .body(body).post("/webhooks/bitbucket").then().statusCode(202).body("runs", empty())
                .body("reason", containsString("not a push"));
        given().contentType("application/json").header("X-Event-Key", "diagnostics:ping").header("X-Hub-Signature", signature)
                .body(body).post("/webhooks/bitbucket").then().statusCode(200).body("pong", is(true));
        byte[] empty = "{\"repository\":{\"full_name\":\"t/r\"},\"push\":{\"changes\":[]}}".getBytes();
        given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", empty))
                .body(empty).post("/webhooks/bitbucket").then().statusCode(400).body("error", containsString("push.changes"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aSignedWebhookWhoseBodyIsNotAPushGets400() throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes();
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(400).body("error", containsString("repository URL"));
        byte[] notJson = "not json".getBytes();
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", notJson)).body(notJson)
                .post("/webhooks/github").then().statusCode(400).body("error", containsString("not valid JSON"));
    }
}
