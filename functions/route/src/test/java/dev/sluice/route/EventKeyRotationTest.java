package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.run.RunState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/**
 * Rotation by configuration: a new key in front of sluice.events.keys signs, the previous one (testing's
 * TEST_EVENT_KEY) still verifies while it is listed, and a key that was removed from the list no longer does.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(EventKeyRotationTest.Rotated.class)
class EventKeyRotationTest {
    static final String NEXT = "sluice-next-event-key-after-rotation";
    static final String REMOVED = "sluice-event-key-removed-last-year";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.events.keys", NEXT + "," + Events.TEST_EVENT_KEY);
        }
    }

    private static Response analysis(UUID run, String key) {
        String id = UUID.randomUUID().toString();
        String data = "{\"runId\":\"" + run + "\",\"attempt\":1,\"decision\":\"APPROVE\",\"riskScore\":10,\"confidence\":0.9,"
                + "\"factors\":[],\"settings\":" + SETTINGS_PROD + "}";
        return Events.postSigned("/", EventTypes.ANALYSIS_COMPLETED, id, "/sluice/analyze", null, data, key);
    }

    @Test
    void anEventSignedWithThePreviousKeyVerifiesWhileItIsConfigured() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        Response reply = analysis(run, Events.TEST_EVENT_KEY);
        reply.then().statusCode(200).header("ce-type", EventTypes.VALIDATION_REQUESTED);
        assertThat(state(run)).isEqualTo(VALIDATING);
        // what route sends now is signed with the new key, the first one listed
        assertThat(reply.header("ce-sluiceproof")).isEqualTo(Events.proof(EventTypes.VALIDATION_REQUESTED, reply.header("ce-id"),
                "/sluice/route", run.toString(), reply.asString(), NEXT));
    }

    @Test
    void anEventSignedWithTheNewKeyVerifies() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, NEXT).then().statusCode(200);
        assertThat(state(run)).isEqualTo(VALIDATING);
    }

    @Test
    void anEventSignedWithAKeyRemovedFromTheListIsRefused() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(run, REMOVED).then().statusCode(400).body("error", containsString("does not match"));
        assertThat(state(run)).isEqualTo(ANALYZING);
    }
}
