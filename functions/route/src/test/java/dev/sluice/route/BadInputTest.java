package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import dev.sluice.delivery.InboxEntry;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.testing.PostgresTestResource;

/**
 * Bad input is a 400 naming the field, and every error answer is JSON; an event posted straight to route strands no
 * run; a new run's chain does not inherit a low TTL; concurrent redeliveries log no duplicate-key violation.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BadInputTest {
    private static final String ADMIN = "Bearer test-admin-token";

    private static String pushData(String url) {
        return "{\"repository\":{\"url\":\"" + url + "\",\"name\":\"r\"},\"ref\":\"refs/heads/main\",\"after\":\"" + sha() + "\"}";
    }

    private static Response structured(String json) {
        return given().contentType(EventCodec.STRUCTURED_JSON).body(json.getBytes(StandardCharsets.UTF_8)).post("/");
    }

    private static String event(String attribute, String value) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + EventTypes.PUSH + "\",\"source\":\"/test\","
                + "\"" + attribute + "\":\"" + value + "\",\"datacontenttype\":\"application/json\",\"data\":" + pushData("/r/x") + "}";
    }

    @ParameterizedTest
    @ValueSource(strings = { "subject", "origin", "traceparent" })
    void aNulInAnAttributeOrExtensionGets400NamingIt(String attribute) {
        long runs = runCount();
        structured(event(attribute, "a\\u0000b")).then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("NUL")).body("field", containsString("'" + attribute + "'"));
        assertThat(runCount()).isEqualTo(runs);
    }

    @Test
    void aNulOrAnUnpairedSurrogateInAFieldOfTheDataGets400NamingTheField() {
        long runs = runCount();
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test").body(pushData("/r/a\\u0000b")).post("/")
                .then().statusCode(400).contentType(ContentType.JSON).body("field", is("data.repository.url"));
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test").body(pushData("/r/\\udc00")).post("/fn/route")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", containsString("surrogate"));
        assertThat(runCount()).isEqualTo(runs);
    }

    @Test
    void aNulInAQueryOrPathParameterOrAnApiBodyGets400NamingIt() {
        given().urlEncodingEnabled(false).header("Authorization", ADMIN).get("/runs?branch=a%00b").then().statusCode(400).contentType(ContentType.JSON)
                .body("field", is("query parameter branch"));
        given().urlEncodingEnabled(false).header("Authorization", ADMIN).get("/runs/%00").then().statusCode(400).contentType(ContentType.JSON)
                .body("field", is("path parameter id"));
        given().urlEncodingEnabled(false).header("Authorization", ADMIN).get("/environments/prod%00/releases").then().statusCode(400)
                .body("field", is("path parameter env"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"by\":\"ann\\u0000\"}")
                .post("/runs/" + UUID.randomUUID() + "/cancel").then().statusCode(400).body("field", is("body.by"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"reason\":\"\\ud800\"}")
                .post("/environments/prod/rollback").then().statusCode(400).body("field", is("body.reason"));
    }

    @Test
    void aSignedWebhookWithANulInItsBodyGets400AndStartsNothing() throws Exception {
        byte[] body = ("{\"ref\":\"refs/heads/ma\\u0000in\",\"after\":\"" + sha() + "\",\"before\":\"" + "0".repeat(40)
                + "\",\"repository\":{\"clone_url\":\"https://github.com/o/r.git\",\"full_name\":\"o/r\"}}").getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("test-github-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        int pushes = outbox(EventTypes.PUSH).size();
        given().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).body(body)
                .post("/webhooks/github").then().statusCode(400).contentType(ContentType.JSON).body("field", is("body.ref"));
        assertThat(outbox(EventTypes.PUSH)).hasSize(pushes);
    }

    @Test
    void aDeadLetterWhoseErrorCodeIsNoStatusGets400NotA500() {
        // found by local's FuzzTest: the code went to a varchar(64) column and failed the insert
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.ANALYSIS_REQUESTED).header("ce-source", "/test").header("ce-knativeerrorcode", "9".repeat(100))
                .body("{}").post("/dead-letter").then().statusCode(400).contentType(ContentType.JSON)
                .body("field", is("CloudEvent extension 'knativeerrorcode'"));
    }

    @Test
    void unknownPathsWrongMethodsAndUnacceptableMediaTypesAnswerJson() {
        // GET / is the dashboard (a sign-in first); the CloudEvents ingress at / takes POST only
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", containsString("/ui/login"));
        given().put("/").then().statusCode(405).contentType(ContentType.JSON).body("status", is(405))
                .body("error", containsString("PUT"));
        given().get("/no/such/thing").then().statusCode(404).contentType(ContentType.JSON).body("error", containsString("/no/such/thing"));
        given().header("Authorization", ADMIN).delete("/runs").then().statusCode(405).contentType(ContentType.JSON);
        given().header("Authorization", ADMIN).accept("application/xml").get("/runs").then().statusCode(406)
                .contentType(ContentType.JSON).body("status", is(406));
        given().header("Authorization", ADMIN).put("/webhooks/github").then().statusCode(405).contentType(ContentType.JSON);
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBodyOverTheSizeLimitGets413WithAJsonBody() throws Exception {
        // announced, not sent: the server answers from the Content-Length (a client writing 11 MB would see it hang up)
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /dead-letter HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + 11 * 1024 * 1024 + "\r\nConnection: close\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/json")
                    .contains("\"status\":413").contains("\"error\"");
        }
    }

    @Test
    void aPushPostedStraightToRouteRepliesAndAlsoPutsTheAnalysisRequestInTheOutbox() {
        Response r = push("/r/direct-" + UUID.randomUUID(), "refs/heads/main", sha());
        r.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED);
        String id = r.header("ce-id");
        assertThat(outbox(EventTypes.ANALYSIS_REQUESTED)).filteredOn(o -> o.eventId.equals(id)).hasSize(1);
    }

    @Test
    void aBrokeredPushWithAnOutsideTtlOfOneStartsItsChainThroughTheOutboxNotTheReply() {
        String repo = "/r/ttl-" + UUID.randomUUID();
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/outside").header("ce-knativebrokerttl", "1")
                .header("ce-knativearrivaltime", "2026-01-01T00:00:00Z").body(pushData(repo)).post("/fn/route")
                .then().statusCode(204);
        UUID run = QuarkusTransaction.requiringNew().call(() -> Run.<Run> find("repositoryUrl", repo).singleResult().id);
        assertThat(outbox(EventTypes.ANALYSIS_REQUESTED)).filteredOn(o -> o.event.contains(run.toString())).hasSize(1)
                .allMatch(o -> !o.event.contains("knativebrokerttl"));
    }

    /** Records what reaches JBoss Log Manager (Quarkus' JUL implementation) at WARN or above. */
    static final class Warnings extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                lines.add(r.getLoggerName() + " " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void concurrentRedeliveriesOfOneEventMakeOneRunOneReplyAndLogNoDuplicateKey() throws Exception {
        int deliveries = 8;
        String id = UUID.randomUUID().toString();
        String repo = "/r/dup-" + id;
        String data = pushData(repo);
        Warnings warnings = new Warnings();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(warnings);
        ExecutorService pool = Executors.newFixedThreadPool(deliveries);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                Callable<Response> post = () -> {
                    start.await();
                    return given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                            .header("ce-type", EventTypes.PUSH).header("ce-source", "/redelivery")
                            .header("ce-knativearrivaltime", "2026-01-01T00:00:00Z").body(data).post("/");
                };
                answers.add(pool.submit(post));
            }
            start.countDown();
            for (Future<Response> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(204);
            }
        } finally {
            pool.shutdownNow();
            root.removeHandler(warnings);
        }
        long runs = QuarkusTransaction.requiringNew().call(() -> Run.count("repositoryUrl", repo));
        long inbox = QuarkusTransaction.requiringNew().call(() -> InboxEntry.count("eventId", id));
        assertThat(runs).isEqualTo(1);
        assertThat(inbox).isEqualTo(1);
        assertThat(warnings.lines).noneMatch(l -> l.contains("23505") || l.toLowerCase().contains("duplicate key")
                || l.contains("inbox_once") || l.contains("ConstraintViolation"));
    }
}
