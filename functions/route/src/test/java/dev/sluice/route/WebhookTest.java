package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;

/** Raw webhooks: signatures, the forges' real payloads, and what they put in the outbox. */
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

    @Test
    void aSignedGithubPushIsPutInTheOutboxAsASluicePushWithTheDeliveryId() throws Exception {
        byte[] body = bytes("webhooks/github/octokit-push-branch-created-4.json");
        String delivery = UUID.randomUUID().toString();
        given().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(202).body("run", is(true)).body("eventId", is("github-" + delivery));
        var sent = outbox(EventTypes.PUSH).stream().filter(o -> o.eventId.equals("github-" + delivery)).toList();
        assertThat(sent).hasSize(1);
        var push = EventCodec.data(EventCodec.fromStructured(sent.get(0).event), dev.sluice.events.Payloads.Push.class);
        assertThat(push.ref()).startsWith("refs/heads/");
        assertThat(push.repository().url()).startsWith("https://github.com/");
    }

    @Test
    void aWrongOrMissingGithubSignatureGets401AndStartsNothing() throws Exception {
        byte[] body = bytes("webhooks/github/go-playground-push.json");
        long before = outbox(EventTypes.PUSH).size();
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + hmac("wrong-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-GitHub-Event", "push").body(body)
                .post("/webhooks/github").then().statusCode(401).body("error", containsString("missing"));
        assertThat(outbox(EventTypes.PUSH)).hasSize((int) before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "octokit-ping-0.json", "octokit-ping-1.json", "octokit-ping-2.json", "octokit-ping-3.json" })
    void aGithubPingIsAnsweredAndStartsNothingEvenForAnOrganizationHook(String f) throws Exception {
        byte[] body = bytes("webhooks/github/" + f);
        long before = outbox(EventTypes.PUSH).size();
        given().contentType("application/json").header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(200).body("pong", is(true));
        assertThat(outbox(EventTypes.PUSH)).hasSize((int) before);
    }

    @Test
    void aDeliveryIdTooLongForAnEventIdIsReplacedByItsHashSoARedeliveryIsStillTheSameEvent() throws Exception {
        byte[] body = bytes("webhooks/github/octokit-push-branch-created-5.json");
        String delivery = "d".repeat(300);
        String signature = "sha256=" + hmac("test-github-secret", body);
        String id = given().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature).body(body).post("/webhooks/github").then().statusCode(202)
                .body("eventId", startsWith("github-sha256-")).extract().path("eventId");
        assertThat(id).hasSize("github-sha256-".length() + 64);
        given().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature).body(body).post("/webhooks/github").then().statusCode(202)
                .body("eventId", is(id));
    }

    @Test
    void aGithubTagDeletionIsAcknowledgedWithoutARun() throws Exception {
        byte[] body = bytes("webhooks/github/octokit-push-tag-deleted-1.json");
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body)).body(body)
                .post("/webhooks/github").then().statusCode(202).body("run", is(false)).body("reason", containsString("deleted"));
    }

    @Test
    void gitlabPushesNeedTheToken() throws Exception {
        byte[] body = bytes("webhooks/gitlab/go-gitlab-push.json");
        given().contentType("application/json").header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "nope").body(body)
                .post("/webhooks/gitlab").then().statusCode(401);
        given().contentType("application/json").header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "test-gitlab-token").body(body)
                .post("/webhooks/gitlab").then().statusCode(202).body("run", is(true));
        byte[] tag = bytes("webhooks/gitlab/go-gitlab-tag_push.json");
        given().contentType("application/json").header("X-Gitlab-Event", "Tag Push Hook").header("X-Gitlab-Token", "test-gitlab-token").body(tag)
                .post("/webhooks/gitlab").then().statusCode(202).body("ref", startsWith("refs/tags/"));
    }

    @Test
    void giteaAndGogsPushesAreSignedWithAHexHmac() throws Exception {
        for (String f : new String[] { "webhooks/gitea/go-playground-push-event.json", "webhooks/gogs/go-playground-push-event.json" }) {
            byte[] body = bytes(f);
            String header = f.contains("gogs") ? "X-Gogs-Signature" : "X-Gitea-Signature";
            String event = f.contains("gogs") ? "X-Gogs-Event" : "X-Gitea-Event";
            given().contentType("application/json").header(event, "push").header(header, hmac("test-gitea-secret", body)).body(body)
                    .post("/webhooks/gitea").then().statusCode(202).body("run", is(true));
            given().contentType("application/json").header(event, "push").header(header, hmac("other", body)).body(body)
                    .post("/webhooks/gitea").then().statusCode(401);
        }
    }

    @Test
    void aSignedBitbucketPushBecomesOneSluicePushPerChangedRef() throws Exception {
        byte[] body = bytes("webhooks/bitbucket/go-playground-repo-push.json");
        String delivery = UUID.randomUUID().toString();
        given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Request-UUID", delivery)
                .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body)).body(body)
                .post("/webhooks/bitbucket").then().statusCode(202).body("run", is(true))
                .body("pushes.size()", is(1)).body("pushes[0].eventId", is("bitbucket-" + delivery))
                .body("pushes[0].ref", is("refs/heads/name-of-branch"));
        var sent = outbox(EventTypes.PUSH).stream().filter(o -> o.eventId.equals("bitbucket-" + delivery)).toList();
        assertThat(sent).hasSize(1);
        var push = EventCodec.data(EventCodec.fromStructured(sent.get(0).event), dev.sluice.events.Payloads.Push.class);
        assertThat(push.after()).isEqualTo("709d658dc5b6d6afcd46049c2f332ee3f515a67d");
        assertThat(push.before()).isEqualTo("1e65c05c1d5171631d92438a13901ca7dae9618c");
        assertThat(push.repository().name()).isEqualTo("team_name/repo_name");
        assertThat(push.pusher()).isEqualTo("emmap1");
    }

    @Test
    void aBitbucketWebhookWithAWrongSignatureGets401AndOneThatIsNoPushStartsNothing() throws Exception {
        byte[] body = bytes("webhooks/bitbucket/go-playground-repo-push.json");
        long before = outbox(EventTypes.PUSH).size();
        given().contentType("application/json").header("X-Event-Key", "repo:push")
                .header("X-Hub-Signature", "sha256=" + hmac("wrong", body)).body(body)
                .post("/webhooks/bitbucket").then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-Event-Key", "repo:push").body(body)
                .post("/webhooks/bitbucket").then().statusCode(401).body("error", containsString("missing X-Hub-Signature"));
        String signature = "sha256=" + hmac("test-bitbucket-secret", body);
        given().contentType("application/json").header("X-Event-Key", "pullrequest:created").header("X-Hub-Signature", signature)
                .body(body).post("/webhooks/bitbucket").then().statusCode(202).body("run", is(false));
        given().contentType("application/json").header("X-Event-Key", "diagnostics:ping").header("X-Hub-Signature", signature)
                .body(body).post("/webhooks/bitbucket").then().statusCode(200).body("pong", is(true));
        // a deleted branch (new: null) and a push with no changes
        byte[] deleted = "{\"repository\":{\"full_name\":\"t/r\"},\"push\":{\"changes\":[{\"new\":null,\"old\":{\"type\":\"branch\",\"name\":\"gone\",\"target\":{\"hash\":\"1e65c05c1d5171631d92438a13901ca7dae9618c\"}}}]}}".getBytes();
        given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", deleted))
                .body(deleted).post("/webhooks/bitbucket").then().statusCode(202).body("run", is(false))
                .body("pushes[0].reason", containsString("refs/heads/gone was deleted"));
        byte[] empty = "{\"repository\":{\"full_name\":\"t/r\"},\"push\":{\"changes\":[]}}".getBytes();
        given().contentType("application/json").header("X-Event-Key", "repo:push").header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", empty))
                .body(empty).post("/webhooks/bitbucket").then().statusCode(400).body("error", containsString("push.changes"));
        assertThat(outbox(EventTypes.PUSH)).hasSize((int) before);
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
