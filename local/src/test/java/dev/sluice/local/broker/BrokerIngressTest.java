package dev.sluice.local.broker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.local.Fixtures;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/** {@code POST /broker}: what the ingress accepts (202 with the deliveries it made) and what it refuses (400, JSON). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BrokerIngressTest {

    @Test
    void aBinaryEventIsAcceptedWith202AndOneDeliveryPerMatchingTrigger() {
        String id = UUID.randomUUID().toString();
        Events.postBinary("/broker", "test.record", id, "/test", null, "{}")
                .then().statusCode(202).contentType("application/json")
                .body("id", equalTo(id)).body("deliveries", equalTo(1));
    }

    @Test
    void aStructuredEventIsAcceptedToo() {
        String id = UUID.randomUUID().toString();
        Events.postStructured("/broker", "test.record", id, "/test", "{\"a\":1}")
                .then().statusCode(202).body("id", equalTo(id)).body("deliveries", equalTo(1));
    }

    @Test
    void anEventNoTriggerMatchesIsStoredWithNoDelivery() {
        Events.postBinary("/broker", "test.nobody.listens", "{}")
                .then().statusCode(202).body("deliveries", equalTo(0));
    }

    @Test
    void theCloudEventsSdkFixtureWithExtensionsIsRoutedByItsExtension() throws IOException {
        // type mock.test, extension astring=aaa: the test-extension Trigger filters on both
        String event = Files.readString(Fixtures.fixture("cloudevents/sdk-java-json/json_data_with_ext.json"));
        given().contentType("application/cloudevents+json").body(event).post("/broker")
                .then().statusCode(202).body("id", equalTo("1")).body("deliveries", equalTo(1));
    }

    @Test
    void aRequestThatIsNotACloudEventIs400WithAJsonReason() {
        given().contentType("application/json").body("{\"hello\":\"world\"}").post("/broker")
                .then().statusCode(400).contentType("application/json")
                .body("status", equalTo(400)).body("error", containsString("not a CloudEvent"));
    }

    @Test
    void dataDeclaredJsonThatDoesNotParseIs400AndNothingIsStored() {
        String id = UUID.randomUUID().toString();
        // stored as it came, it would be an event the broker could never read back to deliver
        given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-type", "test.record").header("ce-source", "/test")
                .body("{\"before\": \"HEAD~1\n0000\"}").post("/broker")
                .then().statusCode(400).contentType("application/json").body("error", containsString("not valid JSON"));
        given().get("/broker/deliveries").then().statusCode(200)
                .body("findAll { it.eventId == '" + id + "' }.size()", equalTo(0));
    }

    @Test
    void aStructuredEventWithoutABodyIs400() {
        given().contentType("application/cloudevents+json").post("/broker")
                .then().statusCode(400).contentType("application/json").body("error", containsString("empty body"));
    }

    @Test
    void aBinaryEventWithoutAnIdIs400NamingTheId() {
        given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-type", "test.record").header("ce-source", "/test")
                .body("{}").post("/broker")
                .then().statusCode(400).contentType("application/json").body("error", containsString("id"));
    }

    @Test
    void aStructuredEventWithoutAnIdIs400NamingTheId() {
        given().contentType("application/cloudevents+json")
                .body("{\"specversion\":\"1.0\",\"type\":\"test.record\",\"source\":\"/test\",\"data\":{}}").post("/broker")
                .then().statusCode(400).contentType("application/json").body("error", containsString("id"));
    }

    @Test
    void theSdkFixturesThatMustFailAre400() throws IOException {
        for (String name : new String[] { "fail_numeric_long.json", "fail_numeric_decimal.json" }) {
            String event = Files.readString(Fixtures.fixture("cloudevents/sdk-java-json/" + name));
            String error = given().contentType("application/cloudevents+json").body(event).post("/broker")
                    .then().statusCode(400).contentType("application/json").extract().path("error");
            assertThat(error).as(name).isNotBlank();
        }
    }

    @Test
    void anUnknownDeliveryStateIs400() {
        given().get("/broker/deliveries?state=lost")
                .then().statusCode(400).contentType("application/json").body("error", containsString("pending, delivered, dead"));
    }
}
