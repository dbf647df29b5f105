package dev.sluice.route;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransition;
import dev.sluice.testing.Events;

/** Shared steps of route's tests: real CloudEvents over HTTP, then a look at what route stored. */
final class RouteTestSupport {
    private RouteTestSupport() {
    }

    /** The admin token of route's %test profile (sluice.api.admin-token). */
    static final String ADMIN_TOKEN = "test-admin-token";

    /** A request to the runs or environments API, with the admin token. */
    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    /** A request with the given bearer token. */
    static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /**
     * A JWT as an OIDC provider would issue it for the %test profile (issuer, audience, RS256 with the test key whose public
     * half is quarkus.oidc.public-key), naming {@code user} with the given groups, valid for five minutes.
     */
    static String jwt(String user, String... groups) {
        return Jwt.issuer(TEST_ISSUER).audience("sluice-api").upn(user).groups(Set.of(groups)).expiresIn(300).sign(testSigningKey());
    }

    static final String TEST_ISSUER = "https://issuer.sluice.test";

    static PrivateKey testSigningKey() {
        try {
            return KeyUtils.readPrivateKey("jwt/test-signing-key.pem");
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the test signing key", e);
        }
    }

    static final String SETTINGS_PROD = "{\"environment\":\"production\",\"namespace\":\"shop\",\"strategy\":\"canary\",\"approval\":\"auto\"}";

    static String sha() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 40);
    }

    static Response push(String repo, String ref, String after) {
        return push(repo, "r", ref, after);
    }

    /** A push of a repository the forge calls {@code name}. */
    static Response push(String repo, String name, String ref, String after) {
        return given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test")
                .body("{\"repository\":{\"url\":\"" + repo + "\",\"name\":\"" + name + "\"},\"ref\":\"" + ref + "\",\"before\":\""
                        + "0".repeat(40) + "\",\"after\":\"" + after + "\",\"commits\":[],\"pusher\":\"ann\"}")
                .post("/");
    }

    /** Pushes and returns the new run's id, read from the analysis request's subject. */
    static UUID startRun(String repo, String ref) {
        Response r = push(repo, ref, sha());
        r.then().statusCode(200);
        return UUID.fromString(r.header("ce-subject"));
    }

    /** A stage result, run command or tick as its sender posts it: from the function that sends the type, signed. */
    static Response result(String type, String data) {
        return Events.postSigned("/", type, UUID.randomUUID().toString(), senderOf(type, data), null, data);
    }

    /** The source of the Sluice function that sends {@code type} (for step.failed: the one that runs its stage). */
    static String senderOf(String type, String data) {
        if (EventTypes.STEP_FAILED.equals(type)) {
            return EventTypes.source(data.contains("\"stage\":\"validation\"") || data.contains("\"stage\":\"tests\"") ? "validate"
                    : data.contains("\"stage\":\"deployment\"") ? "deploy" : "analyze");
        }
        Set<String> senders = EventProof.senders(type);
        return senders.isEmpty() ? "/test/stage" : EventTypes.source(senders.iterator().next());
    }

    static Response analysis(UUID run, int attempt, String decision, String settings) {
        return result(EventTypes.ANALYSIS_COMPLETED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"decision\":\""
                + decision + "\",\"riskScore\":" + (decision.equals("REJECT") ? 100 : 10)
                + ",\"confidence\":0.9,\"factors\":[\"f1\"],\"settings\":" + settings + "}");
    }

    static Response validation(UUID run, int attempt, boolean passed, String summary) {
        return result(EventTypes.VALIDATION_COMPLETED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"passed\":" + passed
                + ",\"counts\":{\"error\":" + (passed ? 0 : 1) + "},\"summary\":\"" + summary + "\"}");
    }

    static Response deployment(UUID run, int attempt, String outcome) {
        return result(EventTypes.DEPLOYMENT_COMPLETED, "{\"runId\":\"" + run + "\",\"attempt\":" + attempt + ",\"outcome\":\""
                + outcome + "\",\"releaseId\":\"rel-1\",\"reason\":\"test\"}");
    }

    static Run run(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> Run.findById(id));
    }

    static RunState state(UUID id) {
        return run(id).state;
    }

    static List<RunState> path(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> RunTransition.of(id).stream().map(t -> t.toState).toList());
    }

    static long runCount() {
        return QuarkusTransaction.requiringNew().call(() -> Run.count());
    }

    static List<OutboxEvent> outbox(String type) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent> list("eventType = ?1 order by id", type));
    }

    /** A forge's real payload with another commit as the pushed one (after, GitLab's checkout_sha, Bitbucket's new hash). */
    static byte[] withAfter(String fixture, String after) throws java.io.IOException {
        ObjectNode json = (ObjectNode) EventCodec.json().readTree(Files.readAllBytes(fixture(fixture)));
        if (json.has("after")) {
            json.put("after", after);
        }
        if (json.has("checkout_sha")) {
            json.put("checkout_sha", after);
        }
        if (json.path("push").has("changes")) {
            ((ObjectNode) json.path("push").path("changes").get(0).path("new").path("target")).put("hash", after);
        }
        return EventCodec.json().writeValueAsBytes(json);
    }

    /** A logging handler that gives every record to {@code sink}: add it to a logger to see what a test makes it log. */
    static Handler capture(Consumer<LogRecord> sink) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                sink.accept(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    /** The repository's fixtures/ folder, found from the module directory up. */
    static Path fixture(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("fixtures").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("fixture " + relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
