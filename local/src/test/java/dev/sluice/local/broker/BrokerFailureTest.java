package dev.sluice.local.broker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/**
 * Deliveries that fail, by the test Broker's spec (3 retries, exponential from 0.3 s, dead letters to
 * /test-subscriber/dead-letter): retried only when Knative would retry, then dead-lettered with the
 * knativeerror* extensions.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BrokerFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    BrokerRows rows;

    @Test
    void aSubscriberAnswering500IsRetriedWithGrowingDelaysThenDeadLettered() {
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.fail500", id, "/test", "run-9", "{\"n\":9}").then().statusCode(202);

        TestSubscriber.Received letter = Eventually.await("the dead letter", WAIT,
                () -> TestSubscriber.received("dead-letter", id), l -> !l.isEmpty()).get(0);
        List<TestSubscriber.Received> tries = TestSubscriber.received("fail500", id);
        assertThat(tries).hasSize(4); // the first try and 3 retries

        // Knative's exponential backoff: retry n (from 0) waits 0.3 s * 2^n
        long[] gaps = new long[3];
        for (int i = 0; i < 3; i++) {
            gaps[i] = Duration.between(tries.get(i).at(), tries.get(i + 1).at()).toMillis();
        }
        assertThat(gaps[0]).isGreaterThanOrEqualTo(280);
        assertThat(gaps[1]).isGreaterThanOrEqualTo(580).isGreaterThan(gaps[0]);
        assertThat(gaps[2]).isGreaterThanOrEqualTo(1180).isGreaterThan(gaps[1]);

        // the original event, with where and how it failed
        assertThat(letter.header("ce-type")).isEqualTo("test.fail500");
        assertThat(letter.header("ce-source")).isEqualTo("/test");
        assertThat(letter.header("ce-subject")).isEqualTo("run-9");
        assertThat(letter.body()).isEqualTo("{\"n\":9}");
        assertThat(letter.header("ce-knativeerrordest")).isEqualTo("http://127.0.0.1:" + RestAssured.port + "/test-subscriber/fail500");
        assertThat(letter.header("ce-knativeerrorcode")).isEqualTo("500");
        assertThat(decoded(letter)).isEqualTo("{\"error\":\"subscriber broke\"}");

        Map<String, Object> delivery = rows.delivery(id, "test-fail500");
        assertThat(delivery).containsEntry("state", "dead").containsEntry("attempts", 4).containsEntry("last_status", 500);
        given().get("/broker/deliveries?state=dead").then().statusCode(200)
                .body("find { it.eventId == '" + id + "' }.trigger", org.hamcrest.Matchers.equalTo("test-fail500"))
                .body("find { it.eventId == '" + id + "' }.attempts", org.hamcrest.Matchers.equalTo(4))
                .body("find { it.eventId == '" + id + "' }.lastStatus", org.hamcrest.Matchers.equalTo(500))
                .body("state", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("dead")));
    }

    @Test
    void aSubscriberAnswering400IsNotRetriedButDeadLetteredAtOnce() throws InterruptedException {
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.fail400", id, "/test", null, "{}").then().statusCode(202);

        TestSubscriber.Received letter = Eventually.await("the dead letter", WAIT,
                () -> TestSubscriber.received("dead-letter", id), l -> !l.isEmpty()).get(0);
        assertThat(letter.header("ce-knativeerrorcode")).isEqualTo("400");
        assertThat(decoded(letter)).isEqualTo("{\"error\":\"not for me\"}");
        Thread.sleep(1_000); // a retry would have come after 0.3 s
        assertThat(TestSubscriber.received("fail400", id)).hasSize(1);
        assertThat(rows.delivery(id, "test-fail400")).containsEntry("state", "dead").containsEntry("attempts", 1);
    }

    @Test
    void aTriggersOwnDeliverySpecWinsAndATimeoutIsAFailureWithoutAResponse() {
        // test-slow: retry 0 and timeout 0.5 s against a subscriber that takes 2 s (the Broker says 3 retries)
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.slow", id, "/test", null, "{}").then().statusCode(202);

        TestSubscriber.Received letter = Eventually.await("the dead letter", WAIT,
                () -> TestSubscriber.received("dead-letter", id), l -> !l.isEmpty()).get(0);
        assertThat(letter.header("ce-knativeerrorcode")).isEqualTo("500"); // as Knative reports a request that got no answer
        assertThat(decoded(letter)).startsWith("dispatch error: ").containsIgnoringCase("timed out");
        assertThat(TestSubscriber.received("slow", id)).hasSize(1);
        Map<String, Object> delivery = rows.delivery(id, "test-slow");
        assertThat(delivery).containsEntry("state", "dead").containsEntry("attempts", 1);
        assertThat(delivery.get("last_status")).isNull();
    }

    private static String decoded(TestSubscriber.Received letter) {
        return new String(Base64.getDecoder().decode(letter.header("ce-knativeerrordata")), StandardCharsets.UTF_8);
    }
}
