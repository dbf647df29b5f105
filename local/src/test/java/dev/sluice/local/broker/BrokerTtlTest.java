package dev.sluice.local.broker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.testing.PostgresTestResource;

/** The TTL an outside sender sets: a reply it stops is dead-lettered (never silently dropped); a fresh event gets Knative's default. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BrokerTtlTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    BrokerRows rows;

    private static void post(String id, String ttl) {
        var request = given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", "test.echo").header("ce-source", "/outside").header("ce-subject", "run-ttl");
        if (ttl != null) {
            request = request.header("ce-knativebrokerttl", ttl);
        }
        request.body("{\"n\":1}").post("/broker").then().statusCode(202);
    }

    @Test
    void aReplyStoppedByATtlOfOneIsDeadLetteredNotDropped() {
        String id = UUID.randomUUID().toString();
        post(id, "1");
        TestSubscriber.Received echoed = Eventually.await("echo gets the event", WAIT, () -> TestSubscriber.received("echo", id),
                l -> !l.isEmpty()).get(0);
        assertThat(echoed.header("ce-knativebrokerttl")).isEqualTo("1");

        TestSubscriber.Received letter = Eventually.await("the expired reply reaches the dead-letter sink", WAIT,
                () -> TestSubscriber.received("dead-letter", "reply-of-" + id), l -> !l.isEmpty()).get(0);
        assertThat(letter.header("ce-type")).isEqualTo("test.echo.reply");
        assertThat(letter.header("ce-knativeerrorcode")).isEqualTo("400");
        assertThat(letter.header("ce-knativeerrordest")).isEqualTo(DeadLetter.INGRESS);
        assertThat(new String(Base64.getDecoder().decode(letter.header("ce-knativeerrordata")), StandardCharsets.UTF_8))
                .contains("knativebrokerttl exhausted");
        assertThat(TestSubscriber.received("record", "reply-of-" + id)).isEmpty();
        Map<String, Object> delivery = rows.delivery(id, "test-echo");
        assertThat(delivery).containsEntry("state", "delivered");
    }

    @Test
    void anEventWithoutATtlStartsWithKnativesDefaultAndItsReplyIsRouted() {
        String id = UUID.randomUUID().toString();
        post(id, null);
        TestSubscriber.Received reply = Eventually.await("the reply reaches record", WAIT,
                () -> TestSubscriber.received("record", "reply-of-" + id), l -> !l.isEmpty()).get(0);
        assertThat(reply.header("ce-knativebrokerttl")).isEqualTo(String.valueOf(LocalBroker.DEFAULT_TTL - 1));
        assertThat(TestSubscriber.received("dead-letter", "reply-of-" + id)).isEmpty();
    }
}
