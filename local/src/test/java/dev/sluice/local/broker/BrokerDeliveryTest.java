package dev.sluice.local.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventCodec;
import dev.sluice.local.knative.BrokerTopology;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/** Deliveries that succeed: routing by the test Triggers, replies going back into the broker, the tick, a crashed worker's leftovers. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BrokerDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    DeliveryStore store;

    @Inject
    LocalBroker broker;

    @Inject
    BrokerRows rows;

    @Test
    void anEventIsDeliveredInBinaryModeToTheMatchingSubscriberAndItsReplyIsRoutedLikeANewEvent() {
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.echo", id, "/test", "run-1", "{\"n\":1}").then().statusCode(202);

        TestSubscriber.Received request = Eventually.await("echo gets the event", WAIT,
                () -> TestSubscriber.received("echo", id), l -> !l.isEmpty()).get(0);
        assertThat(request.header("ce-type")).isEqualTo("test.echo");
        assertThat(request.header("ce-source")).isEqualTo("/test");
        assertThat(request.header("ce-subject")).isEqualTo("run-1");
        assertThat(request.header("content-type")).startsWith("application/json");
        assertThat(request.body()).isEqualTo("{\"n\":1}");
        assertThat(request.header("prefer")).isEqualTo("reply");
        assertThat(request.header("ce-knativearrivaltime")).isNotBlank();
        assertThat(request.header("ce-knativebrokerttl")).isEqualTo("255");

        // the reply of echo is a new event in the broker: the test-echo-reply Trigger takes it to record
        TestSubscriber.Received reply = Eventually.await("the reply reaches record", WAIT,
                () -> TestSubscriber.received("record", "reply-of-" + id), l -> !l.isEmpty()).get(0);
        assertThat(reply.header("ce-type")).isEqualTo("test.echo.reply");
        assertThat(reply.header("ce-source")).isEqualTo("/test-subscriber");
        assertThat(reply.body()).isEqualTo("{\"echo\":\"" + id + "\"}");
        assertThat(reply.header("ce-knativebrokerttl")).isEqualTo("254");

        Map<String, Object> delivery = rows.delivery(id, "test-echo");
        assertThat(delivery).containsEntry("state", "delivered").containsEntry("attempts", 1).containsEntry("last_status", 200);
        assertThat(delivery.get("subscriber_url")).isEqualTo("/test-subscriber/echo");
        assertThat(delivery.get("delivered_at")).isNotNull();
    }

    @Test
    void aSourceFilterLetsOnlyEventsFromThatSourceThrough() {
        String from = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.filtered", from, "/only/this", null, "{}").then().statusCode(202)
                .body("deliveries", org.hamcrest.Matchers.equalTo(1));
        Events.postBinary("/broker", "test.filtered", other, "/elsewhere", null, "{}").then().statusCode(202)
                .body("deliveries", org.hamcrest.Matchers.equalTo(0));
        Eventually.await("the event from /only/this is delivered", WAIT, () -> TestSubscriber.received("record", from), l -> !l.isEmpty());
        assertThat(TestSubscriber.received("record", other)).isEmpty();
    }

    @Test
    void aTriggerOfAnotherBrokerIsNotFollowed() {
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.record", id, "/test", null, "{}").then().statusCode(202);
        Eventually.await("record gets it", WAIT, () -> TestSubscriber.received("record", id), l -> !l.isEmpty());
        assertThat(TestSubscriber.received("other-broker", id)).isEmpty();
    }

    @Test
    void theTickArrivesEveryIntervalAsTheLocalPingSource() {
        List<TestSubscriber.Received> ticks = Eventually.await("two ticks", WAIT,
                () -> TestSubscriber.RECEIVED.stream().filter(r -> "dev.sluice.tick".equals(r.header("ce-type"))).toList(),
                l -> l.size() >= 2);
        TestSubscriber.Received tick = ticks.get(0);
        assertThat(tick.endpoint()).isEqualTo("record");
        assertThat(tick.header("ce-source")).isEqualTo("/sluice/local/ping");
        assertThat(tick.body()).isEqualTo("{}");
        assertThat(ticks.get(0).id()).isNotEqualTo(ticks.get(1).id());
    }

    @Test
    void aDeliveryLeftClaimedByACrashedWorkerIsDeliveredOnceItsLeaseRunsOut() {
        String id = UUID.randomUUID().toString();
        Instant leaseEnds = QuarkusTransaction.requiringNew().call(() -> {
            CloudEvent event = EventCodec.event(id, "test.record", "/test", null, Map.of());
            long row = store.insertEvent(event);
            BrokerTopology topology = broker.topology();
            long delivery = store.insertDelivery(row, topology.route(topology.trigger("test-record")));
            // as a worker that died in the middle of its request left it: one try counted, its lease still running
            rows.execute("update broker_deliveries set attempts = 1, claim_token = ?, claimed_until = now() + interval '1500 milliseconds'"
                    + " where id = ?", UUID.randomUUID(), delivery);
            return Instant.now().plusMillis(1500);
        });

        TestSubscriber.Received got = Eventually.await("the abandoned delivery is taken over", WAIT,
                () -> TestSubscriber.received("record", id), l -> !l.isEmpty()).get(0);
        assertThat(got.at()).as("not before the dead worker's lease ran out").isAfter(leaseEnds.minusMillis(200));
        Map<String, Object> delivery = Eventually.await("recorded delivered", WAIT, () -> rows.delivery(id, "test-record"),
                d -> "delivered".equals(d.get("state")));
        assertThat(delivery).containsEntry("attempts", 2);
    }

    @Test
    void aRequestLongerThanTheLeaseIsNotDeliveredTwiceBecauseTheLeaseIsRenewed() {
        // the test lease is 3 s; the slower subscriber takes 4.5 s
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.slower", id, "/test", null, "{}").then().statusCode(202);
        Eventually.await("delivered", Duration.ofSeconds(20), () -> rows.delivery(id, "test-slower"), d -> "delivered".equals(d.get("state")));
        assertThat(TestSubscriber.received("slower", id)).hasSize(1);
    }
}
