package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/** What route's outbox relay posts to the broker carries route's proof, and the SinkBinding's OIDC token when mounted. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(value = SinkRecorder.class, restrictToAnnotatedClass = true)
class OutboxProofTest {

    private static List<JsonNode> posted() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty(SinkRecorder.FOLDER)))) {
            return files.sorted().map(f -> {
                try {
                    return EventCodec.json().readTree(f.toFile());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    @Test
    void anEventTheApiEmitsReachesTheBrokerSignedByRouteWithTheSinkToken() throws Exception {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().post("/runs/" + run + "/cancel").then().statusCode(200);

        JsonNode finished = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (finished == null && System.nanoTime() < deadline) {
            finished = posted().stream().filter(p -> EventTypes.RUN_FINISHED.equals(p.path("headers").path("ce-type").asText())
                    && run.toString().equals(p.path("headers").path("ce-subject").asText())).findFirst().orElse(null);
            if (finished == null) {
                Thread.sleep(100);
            }
        }
        assertThat(finished).as("run.finished posted to the sink").isNotNull();
        Map<String, String> headers = EventCodec.json().convertValue(finished.get("headers"),
                EventCodec.json().getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(headers).containsEntry("authorization", "Bearer " + SinkRecorder.TOKEN)
                .containsEntry("ce-source", "/sluice/route");
        assertThat(headers.get("ce-sluiceproof")).isEqualTo(Events.proof(EventTypes.RUN_FINISHED, headers.get("ce-id"),
                "/sluice/route", run.toString(), finished.get("body").asText()));
    }
}
