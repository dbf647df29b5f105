package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import dev.sluice.events.EventCodec;
import dev.sluice.testing.Metrics;
import dev.sluice.testing.PostgresTestResource;

/**
 * Run states reported to the forge the push came from, against a local HTTP server standing in for each forge's API
 * (never the real hosts). The requests follow the forges' documents:
 * <ul>
 * <li>GitHub: POST /repos/{owner}/{repo}/statuses/{sha}, states error|failure|pending|success, fields state, target_url,
 * description, context; {@code Authorization: Bearer}, {@code Accept: application/vnd.github+json},
 * {@code X-GitHub-Api-Version: 2022-11-28} (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);</li>
 * <li>GitLab: POST /projects/:id/statuses/:sha, :id the URL-encoded path, states pending|running|success|failed|canceled,
 * fields state, name, ref, target_url, description; {@code PRIVATE-TOKEN}
 * (https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit);</li>
 * <li>Gitea/Forgejo: POST /api/v1/repos/{owner}/{repo}/statuses/{sha}, states pending|success|error|failure|warning,
 * fields state, target_url, description, context; {@code Authorization: token ...}
 * (https://gitea.com/api/swagger#/repository/repoCreateStatus);</li>
 * <li>Bitbucket Cloud: POST /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build, states
 * INPROGRESS|SUCCESSFUL|FAILED|STOPPED, fields key, state, name, url (required), description; a bearer access token
 * (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/);</li>
 * <li>Slack incoming webhook: POST of {@code {"text": ...}} to the webhook URL (https://api.slack.com/messaging/webhooks).</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(ForgeStatusTest.Forges.class)
class ForgeStatusTest {

    /** What the stand-in forge received: method, raw path, headers (lower-case names), JSON body, and its answer. */
    record Received(String method, String path, Map<String, String> headers, JsonNode body, int answered) {
        String state() {
            return body.path("state").asText();
        }
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** Body text to answer with a status instead of 201, and how many more times. */
    static final Map<String, int[]> SCRIPTED = new ConcurrentHashMap<>();
    static final AtomicInteger SCRIPTED_STATUS = new AtomicInteger(503);
    static final HttpServer FORGE = start();

    static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String text = new String(body, StandardCharsets.UTF_8);
                int status = 201;
                for (var e : SCRIPTED.entrySet()) {
                    if (text.contains(e.getKey()) && e.getValue()[0] > 0) {
                        e.getValue()[0]--;
                        status = SCRIPTED_STATUS.get();
                    }
                }
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
                RECEIVED.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers,
                        EventCodec.json().readTree(body.length == 0 ? "{}".getBytes() : body), status));
                byte[] answer = "{}".getBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String forge() {
        return "http://127.0.0.1:" + FORGE.getAddress().getPort();
    }

    public static class Forges implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("sluice.forge.github.token", "gh-token"),
                    Map.entry("sluice.forge.github.api-url", forge() + "/github-api"),
                    Map.entry("sluice.forge.gitlab.token", "gl-token"),
                    Map.entry("sluice.forge.gitlab.api-url", forge() + "/gitlab/api/v4"),
                    Map.entry("sluice.forge.gitea.token", "gt-token"),
                    Map.entry("sluice.forge.gitea.api-url", forge() + "/gitea/"),
                    Map.entry("sluice.forge.bitbucket.token", "bb-token"),
                    Map.entry("sluice.forge.bitbucket.api-url", forge() + "/bitbucket"),
                    Map.entry("sluice.forge.slack.webhook-url", forge() + "/slack/T000/B000/XXXX"),
                    Map.entry("sluice.forge.backoff", "50ms"),
                    Map.entry("sluice.public-url", "https://sluice.example.test/"));
        }
    }

    @Test
    void aGitHubPushGetsPendingThenSuccessOnItsCommitWithALinkToTheRun() throws Exception {
        String sha = sha();
        UUID run = webhook("github", "webhooks/github/go-playground-push.json", sha);
        analysis(run, 1, "APPROVE", SETTINGS_PROD.replace("production", "gh-" + UUID.randomUUID())).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(200);
        deployment(run, 1, "VERIFIED").then().statusCode(200);

        List<Received> got = await(sha, r -> r.state().equals("success"));
        assertThat(got).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/github-api/repos/binkkatal/sample_app/statuses/" + sha);
            assertThat(r.headers()).containsEntry("authorization", "Bearer gh-token")
                    .containsEntry("accept", "application/vnd.github+json").containsEntry("x-github-api-version", "2022-11-28")
                    .containsEntry("content-type", "application/json");
            assertThat(r.body().path("context").asText()).isEqualTo("sluice");
            assertThat(r.body().path("target_url").asText()).isEqualTo("https://sluice.example.test/runs/" + run);
            assertThat(r.state()).isIn("pending", "success");
            assertThat(r.body().path("description").asText()).hasSizeLessThanOrEqualTo(140);
        });
        assertThat(got.get(got.size() - 1).body().path("description").asText()).startsWith("SUCCEEDED");
        assertThat(got).anyMatch(r -> r.state().equals("pending"));
        assertThat(fieldNames(got.get(0).body())).containsExactlyInAnyOrder("state", "target_url", "description", "context");
    }

    @Test
    void aGitLabPushIsNamedByItsEncodedPathAndEndsFailedWhenRejected() throws Exception {
        String sha = sha();
        UUID run = webhook("gitlab", "webhooks/gitlab/go-gitlab-push.json", sha);
        analysis(run, 1, "REJECT", SETTINGS_PROD).then().statusCode(200);

        List<Received> got = await(sha, r -> r.state().equals("failed"));
        assertThat(got).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/gitlab/api/v4/projects/mike%2Fdiaspora/statuses/" + sha);
            assertThat(r.headers()).containsEntry("private-token", "gl-token").doesNotContainKey("authorization");
            assertThat(r.body().path("name").asText()).isEqualTo("sluice");
            assertThat(r.body().path("ref").asText()).isEqualTo("master");
            assertThat(r.body().path("target_url").asText()).isEqualTo("https://sluice.example.test/runs/" + run);
            assertThat(r.state()).isIn("pending", "running", "failed");
        });
        // GitLab refuses a status that keeps its state: no two requests of one run say the same
        assertThat(got.stream().map(Received::state).distinct().count()).isEqualTo(got.size());
    }

    @Test
    void aGiteaPushEndsFailureAndARefusedReportIsNotTriedAgain() throws Exception {
        String sha = sha();
        UUID run = webhook("gitea", "webhooks/gitea/go-playground-push-event.json", sha);
        String before = Metrics.scrape();
        SCRIPTED_STATUS.set(422);
        SCRIPTED.put("\"state\":\"failure\"", new int[] { 1 });
        try {
            analysis(run, 1, "APPROVE", SETTINGS_PROD.replace("production", "gt-" + UUID.randomUUID())).then().statusCode(200);
            validation(run, 1, true, "ok").then().statusCode(200);
            deployment(run, 1, "FAILED").then().statusCode(200);
            List<Received> got = await(sha, r -> r.state().equals("failure"));
            assertThat(got).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/gitea/api/v1/repos/example/example/statuses/" + sha);
                assertThat(r.headers()).containsEntry("authorization", "token gt-token");
                assertThat(r.body().path("context").asText()).isEqualTo("sluice");
            });
            // the 422 is final: once the reporter has counted it failed, exactly one request said failure
            awaitMetric(before, "gitea", "failed", 1);
            assertThat(received(sha).stream().filter(r -> r.state().equals("failure"))).singleElement()
                    .extracting(Received::answered).isEqualTo(422);
        } finally {
            SCRIPTED.clear();
        }
    }

    @Test
    void aBitbucketPushIsReportedAsABuildStatusAndA503IsTriedAgainUntilAccepted() throws Exception {
        String sha = sha();
        UUID run = webhook("bitbucket", "webhooks/bitbucket/go-playground-repo-push.json", sha);
        SCRIPTED_STATUS.set(503);
        SCRIPTED.put("\"state\":\"STOPPED\"", new int[] { 2 });
        try {
            RouteTestSupport.api().post("/runs/" + run + "/cancel").then().statusCode(200);
            List<Received> got = await(sha, r -> r.state().equals("STOPPED") && r.answered() == 201);
            assertThat(got).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/bitbucket/2.0/repositories/team_name/repo_name/commit/" + sha + "/statuses/build");
                assertThat(r.headers()).containsEntry("authorization", "Bearer bb-token");
                assertThat(r.body().path("key").asText()).isEqualTo("sluice");
                assertThat(r.body().path("url").asText()).isEqualTo("https://sluice.example.test/runs/" + run);
                assertThat(r.state()).isIn("INPROGRESS", "STOPPED");
            });
            List<Received> stopped = got.stream().filter(r -> r.state().equals("STOPPED")).toList();
            assertThat(stopped).extracting(Received::answered).containsExactly(503, 503, 201);
            assertThat(stopped).extracting(Received::body).containsOnly(stopped.get(0).body());
        } finally {
            SCRIPTED.clear();
        }
    }

    @Test
    void aPushNoForgeSentIsReportedNowhereButSlackHearsOfEveryRunThatEnds() {
        String sha = sha();
        UUID run = UUID.fromString(push("/repos/" + UUID.randomUUID(), "refs/heads/main", sha).then().statusCode(200).extract()
                .header("ce-subject"));
        analysis(run, 1, "REJECT", SETTINGS_PROD).then().statusCode(200);

        Received slack = awaitAny(r -> r.path().equals("/slack/T000/B000/XXXX") && r.body().path("text").asText().contains(run.toString()));
        assertThat(slack.body().path("text").asText()).contains("REJECTED").contains("<https://sluice.example.test/runs/" + run + "|");
        assertThat(slack.headers()).doesNotContainKey("authorization").doesNotContainKey("private-token");
        assertThat(run(run).forge).isNull();
        assertThat(received(sha)).isEmpty();
        // the forge's tokens went to the stand-in forge's paths only
        assertThat(RECEIVED).filteredOn(r -> r.headers().containsKey("authorization") || r.headers().containsKey("private-token"))
                .allSatisfy(r -> assertThat(r.path()).matches("/(github-api|gitlab/api/v4|gitea|bitbucket)/.*"));
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Sends a forge's real push payload (with {@code sha} as the pushed commit) to route's signed webhook; the new run. */
    private static UUID webhook(String forge, String fixture, String sha) throws Exception {
        byte[] body = withAfter(fixture, sha);
        var req = given().contentType("application/json");
        String delivery = UUID.randomUUID().toString();
        req = switch (forge) {
            case "github" -> req.header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                    .header("X-Hub-Signature-256", "sha256=" + hmac("test-github-secret", body));
            case "gitlab" -> req.header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "test-gitlab-token")
                    .header("X-Gitlab-Event-UUID", delivery);
            case "gitea" -> req.header("X-Gitea-Event", "push").header("X-Gitea-Delivery", delivery)
                    .header("X-Gitea-Signature", hmac("test-gitea-secret", body));
            default -> req.header("X-Event-Key", "repo:push").header("X-Request-UUID", delivery)
                    .header("X-Hub-Signature", "sha256=" + hmac("test-bitbucket-secret", body));
        };
        String id = req.body(body).post("/webhooks/" + forge).then().statusCode(202).extract().path("runs[0].id");
        UUID run = UUID.fromString(id);
        assertThat(run(run).forge).isEqualTo(forge);
        return run;
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static List<Received> received(String sha) {
        return RECEIVED.stream().filter(r -> r.path().contains(sha)).toList();
    }

    /** The requests for {@code sha} once the last of them matches {@code last} (reports travel after the commit). */
    private static List<Received> await(String sha, Predicate<Received> last) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            List<Received> got = received(sha);
            if (!got.isEmpty() && last.test(got.get(got.size() - 1))) {
                return got;
            }
            assertThat(Instant.now()).as("requests for %s so far: %s", sha, got).isBefore(deadline);
            pause();
        }
    }

    private static Received awaitAny(Predicate<Received> wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            var found = RECEIVED.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(Instant.now()).as("requests so far: %s", RECEIVED).isBefore(deadline);
            pause();
        }
    }

    private static void awaitMetric(String before, String forge, String outcome, int delta) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Metrics.count(Metrics.scrape(), "sluice_forge_reports_total", "forge", forge, "outcome", outcome)
                - Metrics.count(before, "sluice_forge_reports_total", "forge", forge, "outcome", outcome) < delta) {
            assertThat(Instant.now()).isBefore(deadline);
            pause();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
