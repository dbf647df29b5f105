package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import dev.sluice.events.EventCodec;
import dev.sluice.run.Run;
import dev.sluice.testing.PostgresTestResource;

/**
 * Every push and tag payload of every forge, as the forges document and send them (fixtures/webhooks), becomes a run
 * with the right ref, before, after and repository; every other event is a 202 that says it is ignored; a malformed
 * body is a 400 with JSON; never a 5xx. Each payload gets a fresh commit as its {@code after} (the only field changed),
 * so each test's pushes are its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ForgeWebhookTest {

    enum Forge {
        GITHUB("/webhooks/github"), GITLAB("/webhooks/gitlab"), GITEA("/webhooks/gitea"), FORGEJO("/webhooks/gitea"),
        GOGS("/webhooks/gitea"), BITBUCKET("/webhooks/bitbucket"), BITBUCKET_SERVER("/webhooks/bitbucket");

        final String path;

        Forge(String path) {
            this.path = path;
        }

        /** A request signed as the forge signs, naming {@code event} and the delivery as the forge does. */
        RequestSpecification request(String event, String delivery, byte[] body) throws Exception {
            RequestSpecification r = given().contentType("application/json").body(body);
            return switch (this) {
                case GITHUB -> r.header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery)
                        .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body));
                case GITLAB -> r.header("X-Gitlab-Event", event).header("X-Gitlab-Event-UUID", delivery)
                        .header("X-Gitlab-Token", "test-gitlab-token");
                case GITEA -> r.header("X-Gitea-Event", event).header("X-Gitea-Delivery", delivery)
                        .header("X-Gitea-Signature", hmac("test-gitea-secret", body));
                // Forgejo's own headers alone, without the Gitea copies
                case FORGEJO -> r.header("X-Forgejo-Event", event).header("X-Forgejo-Delivery", delivery)
                        .header("X-Forgejo-Signature", hmac("test-gitea-secret", body));
                case GOGS -> r.header("X-Gogs-Event", event).header("X-Gogs-Delivery", delivery)
                        .header("X-Gogs-Signature", hmac("test-gitea-secret", body));
                case BITBUCKET -> r.header("X-Event-Key", event).header("X-Request-UUID", delivery)
                        .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body));
                case BITBUCKET_SERVER -> r.header("X-Event-Key", event).header("X-Request-Id", delivery)
                        .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-server-secret", body));
            };
        }
    }

    static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    static ObjectNode json(String fixture) throws Exception {
        return (ObjectNode) EventCodec.json().readTree(Files.readAllBytes(fixture("webhooks/" + fixture)));
    }

    /** The payload with {@code after} as its pushed commit, wherever the forge puts it. */
    static byte[] withAfter(ObjectNode json, String after) throws Exception {
        if (json.has("after")) {
            json.put("after", after);
        }
        if (json.has("checkout_sha")) {
            json.put("checkout_sha", after);
        }
        if (json.has("sha")) {
            json.put("sha", after); // Gitea's create
        }
        for (JsonNode change : json.path("push").path("changes")) {
            ((ObjectNode) change.path("new").path("target")).put("hash", after);
        }
        for (JsonNode change : json.path("changes")) {
            if (!"DELETE".equals(change.path("type").asText())) {
                ((ObjectNode) change).put("toHash", after);
            }
        }
        return EventCodec.json().writeValueAsBytes(json);
    }

    static Run startedRun(io.restassured.response.Response r) {
        r.then().statusCode(202).body("runs.size()", is(1)).body("skipped", empty());
        return run(UUID.fromString(r.path("runs[0].id")));
    }

    /** fixture, forge, event, expected ref, before (null for a new ref), repository URL and name. */
    static Stream<Arguments> documentedPushes() {
        return Stream.of(
                Arguments.of("github/go-playground-push.json", Forge.GITHUB, "push", "refs/heads/master",
                        "737d38c599c1b2991664dfc6155d6bf516fcce36", "https://github.com/binkkatal/sample_app.git", "binkkatal/sample_app"),
                Arguments.of("github/octokit-push-branch-created-4.json", Forge.GITHUB, "push", "refs/heads/master", null,
                        "https://github.com/Codertocat/Hello-World.git", "Codertocat/Hello-World"),
                Arguments.of("github/octokit-push-tag-created-0.json", Forge.GITHUB, "push", "refs/tags/simple-tag", null,
                        "https://github.com/Codertocat/Hello-World.git", "Codertocat/Hello-World"),
                Arguments.of("gitlab/go-gitlab-push.json", Forge.GITLAB, "Push Hook", "refs/heads/master",
                        "95790bf891e76fee5e1747ab589903a6a1f80f22", "http://example.com/mike/diaspora.git", "mike/diaspora"),
                Arguments.of("gitlab/go-playground-push-event.json", Forge.GITLAB, "Push Hook", "refs/heads/master",
                        "95790bf891e76fee5e1747ab589903a6a1f80f22", "http://example.com/mike/diaspora.git", "mike/diaspora"),
                Arguments.of("gitlab/go-gitlab-tag_push.json", Forge.GITLAB, "Tag Push Hook", "refs/tags/v1.0.0", null,
                        "http://example.com/jsmith/example.git", "jsmith/example"),
                Arguments.of("gitlab/go-playground-tag-event.json", Forge.GITLAB, "Tag Push Hook", "refs/tags/v1.0.0", null,
                        "http://example.com/jsmith/example.git", "jsmith/example"),
                Arguments.of("gitlab/go-playground-system-push-event.json", Forge.GITLAB, "System Hook", "refs/heads/master",
                        "95790bf891e76fee5e1747ab589903a6a1f80f22", "http://example.com/mike/diaspora.git", "mike/diaspora"),
                Arguments.of("gitea/go-playground-push-event.json", Forge.GITEA, "push", "refs/heads/master", null,
                        "http://localhost:3000/example/example.git", "example/example"),
                Arguments.of("gitea/go-playground-push-event.json", Forge.FORGEJO, "push", "refs/heads/master", null,
                        "http://localhost:3000/example/example.git", "example/example"),
                Arguments.of("gogs/go-playground-push-event.json", Forge.GOGS, "push", "refs/heads/develop",
                        "28e1879d029cb852e4844d9c718537df08844e03", "http://localhost:3000/unknwon/webhooks.git", "unknwon/webhooks"),
                Arguments.of("bitbucket/go-playground-repo-push.json", Forge.BITBUCKET, "repo:push", "refs/heads/name-of-branch",
                        "1e65c05c1d5171631d92438a13901ca7dae9618c", "https://api.bitbucket.org/bitbucket/bitbucket", "team_name/repo_name"),
                // Atlassian's documented example has no clone links: the URL comes from sluice.webhooks.bitbucket-server.url
                Arguments.of("bitbucket-server/atlassian-docs-repo-refs-changed.json", Forge.BITBUCKET_SERVER, "repo:refs_changed",
                        "refs/heads/master", "ecddabb624f6f5ba43816f5926e580a5f680a932",
                        "https://bitbucket.example.com/scm/proj/repository.git", "PROJ/repository"),
                Arguments.of("bitbucket-server/argo-cd-bitbucket-server-event.json", Forge.BITBUCKET_SERVER, "repo:refs_changed",
                        "refs/heads/master", "f09c8889a2d234985734958795a31589cd91ffda",
                        "https://bitbucketserver/scm/myproject/test-repo.git", "MYPROJECT/test-repo"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("documentedPushes")
    void everyDocumentedPushOrTagPayloadIsARunWithItsRefBeforeAfterAndRepository(String fixture, Forge forge, String event,
            String ref, String before, String url, String name) throws Exception {
        String after = sha();
        String delivery = UUID.randomUUID().toString();
        byte[] body = withAfter(json(fixture), after);
        var r = forge.request(event, delivery, body).post(forge.path);
        Run run = startedRun(r);
        assertThat(run.ref).isEqualTo(ref);
        assertThat(run.beforeSha).isEqualTo(before);
        assertThat(run.afterSha).isEqualTo(after);
        assertThat(run.repositoryUrl).isEqualTo(url);
        assertThat(run.repositoryName).isEqualTo(name);
        // the same delivery again is the same event: no second run
        forge.request(event, delivery, body).post(forge.path).then().statusCode(200).body("runs[0].id", is(run.id.toString()));
    }

    @Test
    void aBitbucketServerPushStartsOneRunPerChangedRefAndADeletedRefNone() throws Exception {
        ObjectNode json = json("bitbucket-server/argo-cd-bitbucket-server-event.json");
        // three changes in one push, as Bitbucket sends them for `git push origin main v2 :old`
        String tagged = sha();
        var changes = json.withArray("changes");
        changes.addObject().put("refId", "refs/tags/v2").put("fromHash", "0000000000000000000000000000000000000000")
                .put("toHash", tagged).put("type", "ADD").putObject("ref").put("id", "refs/tags/v2").put("displayId", "v2").put("type", "TAG");
        changes.addObject().put("refId", "refs/heads/old").put("fromHash", sha())
                .put("toHash", "0000000000000000000000000000000000000000").put("type", "DELETE").putObject("ref")
                .put("id", "refs/heads/old").put("displayId", "old").put("type", "BRANCH");
        String after = sha();
        ((ObjectNode) changes.get(0)).put("toHash", after);
        byte[] body = EventCodec.json().writeValueAsBytes(json);
        String delivery = UUID.randomUUID().toString();
        var r = Forge.BITBUCKET_SERVER.request("repo:refs_changed", delivery, body).post("/webhooks/bitbucket");
        r.then().statusCode(202).body("runs.size()", is(2)).body("runs[0].ref", is("refs/heads/master")).body("runs[0].sha", is(after))
                .body("runs[0].eventId", is("bitbucket-server-" + delivery + "-0"))
                .body("runs[1].ref", is("refs/tags/v2")).body("runs[1].sha", is(tagged))
                .body("skipped.size()", is(1)).body("skipped[0].ref", is("refs/heads/old"))
                .body("skipped[0].reason", containsString("deleted"));
        Run tag = run(UUID.fromString(r.path("runs[1].id")));
        assertThat(tag.beforeSha).isNull();
        assertThat(tag.pusher).isEqualTo("john");
        // replayed under a new request id: the same pushes, no new run
        Forge.BITBUCKET_SERVER.request("repo:refs_changed", UUID.randomUUID().toString(), body).post("/webhooks/bitbucket").then()
                .statusCode(200).body("runs.size()", is(2)).body("runs[0].replay", is(true)).body("runs[1].replay", is(true));
    }

    @Test
    void aBitbucketServerDeletionStartsNothingAndSaysWhy() throws Exception {
        byte[] body = Files.readAllBytes(fixture("webhooks/bitbucket-server/go-playground-repo-refs-changed.json"));
        long before = runCount();
        Forge.BITBUCKET_SERVER.request("repo:refs_changed", UUID.randomUUID().toString(), body).post("/webhooks/bitbucket").then()
                .statusCode(200).body("runs", empty()).body("skipped[0].ref", is("refs/heads/feature/wip"))
                .body("skipped[0].reason", containsString("deleted"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void bitbucketServerIsToldFromCloudByItsPayloadWhenNoHeaderSaysWhich() throws Exception {
        String after = sha();
        byte[] body = withAfter(json("bitbucket-server/atlassian-docs-repo-refs-changed.json"), after);
        given().contentType("application/json").header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-server-secret", body))
                .body(body).post("/webhooks/bitbucket").then().statusCode(202).body("runs[0].sha", is(after));
    }

    @Test
    void bitbucketServerWebhooksAreSignedWithTheirOwnSecret() throws Exception {
        byte[] body = withAfter(json("bitbucket-server/atlassian-docs-repo-refs-changed.json"), sha());
        long before = runCount();
        String delivery = UUID.randomUUID().toString();
        // Bitbucket Cloud's secret does not sign a Data Center push
        given().contentType("application/json").header("X-Event-Key", "repo:refs_changed").header("X-Request-Id", delivery)
                .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body)).body(body).post("/webhooks/bitbucket")
                .then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-Event-Key", "repo:refs_changed").header("X-Request-Id", delivery)
                .body(body).post("/webhooks/bitbucket").then().statusCode(401).body("error", containsString("missing X-Hub-Signature"));
        given().contentType("application/json").header("X-Event-Key", "repo:refs_changed").header("X-Request-Id", delivery)
                .header("X-Hub-Signature", "sha1=" + hmac("test-bitbucket-server-secret", body)).body(body).post("/webhooks/bitbucket")
                .then().statusCode(401);
        assertThat(runCount()).isEqualTo(before);
        Forge.BITBUCKET_SERVER.request("diagnostics:ping", delivery, "{\"test\": true}".getBytes()).post("/webhooks/bitbucket").then()
                .statusCode(200).body("pong", is(true));
    }

    @Test
    void aGiteaTagCreateIsARunForTheTagAndTheTagsPushIsTheSameRun() throws Exception {
        for (Forge forge : List.of(Forge.GITEA, Forge.FORGEJO)) {
            // Gitea's create payload (CreatePayload: ref is the tag's short name, sha its commit, ref_type tag), on the
            // documented branch example with the tag's name and type
            ObjectNode create = json("gitea/go-playground-create-event.json");
            String tag = "v1." + UUID.randomUUID().toString().substring(0, 8);
            create.put("ref", tag).put("ref_type", "tag");
            String after = sha();
            var r = forge.request("create", UUID.randomUUID().toString(), withAfter(create, after)).post("/webhooks/gitea");
            Run run = startedRun(r);
            assertThat(run.ref).isEqualTo("refs/tags/" + tag);
            assertThat(run.afterSha).isEqualTo(after);
            assertThat(run.beforeSha).isNull();
            assertThat(run.repositoryUrl).isEqualTo("http://localhost:3000/example/example.git");
            assertThat(run.pusher).isEqualTo("example");
            // Gitea sends the tag's push too: the same push, so the same run
            ObjectNode push = json("gitea/go-playground-push-event.json");
            push.put("ref", "refs/tags/" + tag);
            forge.request("push", UUID.randomUUID().toString(), withAfter(push, after)).post("/webhooks/gitea").then().statusCode(200)
                    .body("runs[0].id", is(run.id.toString())).body("runs[0].replay", is(true));
        }
    }

    @Test
    void aGiteaBranchCreateOrATagCreateWithoutACommitIsIgnored() throws Exception {
        long before = runCount();
        byte[] branch = Files.readAllBytes(fixture("webhooks/gitea/go-playground-create-event.json"));
        Forge.GITEA.request("create", UUID.randomUUID().toString(), branch).post("/webhooks/gitea").then().statusCode(202)
                .body("runs", empty()).body("ignored", is(true)).body("reason", containsString("push event"));
        ObjectNode noSha = json("gitea/go-playground-create-event.json");
        noSha.remove("sha");
        noSha.put("ref_type", "tag");
        Forge.GOGS.request("create", UUID.randomUUID().toString(), EventCodec.json().writeValueAsBytes(noSha)).post("/webhooks/gitea")
                .then().statusCode(202).body("runs", empty()).body("reason", containsString("names no commit"));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void forgejoSignaturesAreCheckedLikeGiteas() throws Exception {
        byte[] body = withAfter(json("gitea/go-playground-push-event.json"), sha());
        given().contentType("application/json").header("X-Forgejo-Event", "push").header("X-Forgejo-Signature", hmac("wrong", body))
                .body(body).post("/webhooks/gitea").then().statusCode(401).body("error", containsString("does not match"));
        given().contentType("application/json").header("X-Forgejo-Event", "push").body(body).post("/webhooks/gitea").then()
                .statusCode(401).body("error", containsString("missing"));
    }

    /** forge, an event it sends that is no push */
    static Stream<Arguments> otherEvents() {
        return Stream.of(Arguments.of(Forge.GITHUB, "issues"), Arguments.of(Forge.GITHUB, "create"),
                Arguments.of(Forge.GITLAB, "Merge Request Hook"), Arguments.of(Forge.GITEA, "pull_request"),
                Arguments.of(Forge.FORGEJO, "release"), Arguments.of(Forge.GOGS, "issues"), Arguments.of(Forge.GITEA, "delete"),
                Arguments.of(Forge.BITBUCKET, "pullrequest:created"), Arguments.of(Forge.BITBUCKET_SERVER, "pr:opened"),
                Arguments.of(Forge.BITBUCKET_SERVER, "repo:modified"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("otherEvents")
    void everyOtherEventIsAcceptedAndSaysItIsIgnored(Forge forge, String event) throws Exception {
        byte[] body = "{\"action\":\"opened\"}".getBytes();
        long before = runCount();
        forge.request(event, UUID.randomUUID().toString(), body).post(forge.path).then().statusCode(202)
                .contentType(containsString("json")).body("ignored", is(true)).body("runs", empty())
                .body("reason", allOf(containsString(event), containsString("ignored")));
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aGitlabSystemHookThatIsNoPushIsIgnored() throws Exception {
        byte[] body = "{\"event_name\":\"project_create\",\"name\":\"x\",\"path_with_namespace\":\"a/x\"}".getBytes();
        Forge.GITLAB.request("System Hook", UUID.randomUUID().toString(), body).post("/webhooks/gitlab").then().statusCode(202)
                .body("ignored", is(true)).body("reason", containsString("project_create"));
    }

    /** forge, the push event it names */
    static Stream<Arguments> pushEvents() {
        return Stream.of(Arguments.of(Forge.GITHUB, "push"), Arguments.of(Forge.GITLAB, "Push Hook"),
                Arguments.of(Forge.GITLAB, "Tag Push Hook"), Arguments.of(Forge.GITLAB, "System Hook"), Arguments.of(Forge.GITEA, "push"),
                Arguments.of(Forge.GITEA, "create"), Arguments.of(Forge.FORGEJO, "push"), Arguments.of(Forge.GOGS, "push"),
                Arguments.of(Forge.BITBUCKET, "repo:push"), Arguments.of(Forge.BITBUCKET_SERVER, "repo:refs_changed"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pushEvents")
    void aMalformedPushBodyIsA400WithJsonAndStartsNothing(Forge forge, String event) throws Exception {
        long before = runCount();
        for (String body : List.of("not json", "[1, 2]", "{\"ref\": 42}", "{\"changes\": [{\"refId\": \"refs/heads/x\"}]}",
                "{\"push\": {\"changes\": [{\"new\": {\"type\": \"branch\"}}]}}", "{\"ref_type\": \"tag\"}")) {
            forge.request(event, UUID.randomUUID().toString(), body.getBytes()).post(forge.path).then().statusCode(400)
                    .contentType(containsString("json")).body("error", not(emptyOrNullString()));
        }
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "refs/heads/main", "refs/tags/v1" })
    void aBitbucketServerPushWithNoCloneLinkAndNoProjectIsA400NamingTheUrl(String ref) throws Exception {
        String body = "{\"eventKey\":\"repo:refs_changed\",\"repository\":{\"name\":\"r\"},\"changes\":[{\"refId\":\"" + ref
                + "\",\"fromHash\":\"" + sha() + "\",\"toHash\":\"" + sha() + "\",\"type\":\"UPDATE\"}]}";
        Forge.BITBUCKET_SERVER.request("repo:refs_changed", UUID.randomUUID().toString(), body.getBytes()).post("/webhooks/bitbucket")
                .then().statusCode(400).body("error", containsString("sluice.webhooks.bitbucket-server.url"));
    }
}
