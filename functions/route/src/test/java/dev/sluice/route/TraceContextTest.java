package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventProof;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/**
 * The CloudEvents distributed-tracing extension ({@code traceparent}, {@code tracestate}) with the OpenTelemetry SDK off (no
 * exporter), as by default: a received trace context passes on into the events route makes, and it is outside the proof.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TraceContextTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";

    @Test
    void aPushesTraceContextGoesOnInTheRunsFirstRequest() {
        Response reply = given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test").header("ce-traceparent", PARENT)
                .header("ce-tracestate", "vendor=1")
                .body("{\"repository\":{\"url\":\"/repos/" + UUID.randomUUID() + "\",\"name\":\"r\"},\"ref\":\"refs/heads/main\",\"after\":\""
                        + sha() + "\"}")
                .post("/");
        reply.then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_REQUESTED).header("ce-traceparent", startsWith("00-" + TRACE))
                .header("ce-tracestate", is("vendor=1"));
    }

    @Test
    void aPushWithoutATraceContextStartsTheRunsTraceAtRoute() {
        // the SDK records nothing while disabled, but the context it makes still travels, so a later collector sees whole runs
        String traceparent = push("/repos/" + UUID.randomUUID(), "refs/heads/main", sha()).then().statusCode(200).extract()
                .header("ce-traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]").doesNotContain(TRACE);
    }

    @Test
    void theTraceContextIsOutsideTheProofSoASignedResultStillMovesTheRunAndCarriesItOn() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String data = "{\"runId\":\"" + run + "\",\"attempt\":1,\"decision\":\"APPROVE\",\"riskScore\":10,\"confidence\":0.9,"
                + "\"factors\":[],\"settings\":" + SETTINGS_PROD + "}";
        String id = UUID.randomUUID().toString();
        // signed without the trace context, as a broker may add or rewrite it on the way
        String proof = Events.proof(EventTypes.ANALYSIS_COMPLETED, id, "/sluice/analyze", null, data, Events.TEST_EVENT_KEY);
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED).header("ce-source", "/sluice/analyze")
                .header("ce-" + EventProof.EXTENSION, proof).header("ce-traceparent", PARENT).body(data).post("/")
                .then().statusCode(200).header("ce-type", EventTypes.VALIDATION_REQUESTED).header("ce-traceparent", startsWith("00-" + TRACE));
        assertThat(state(run)).isEqualTo(dev.sluice.run.RunState.VALIDATING);
    }

    @Test
    void theLinesLoggedWhileAnEventIsHandledCarryItsRunAndEventIdsInTheMdc() {
        List<ExtLogRecord> lines = new CopyOnWriteArrayList<>();
        Handler capture = capture(record -> {
            if (record instanceof ExtLogRecord ext) {
                ext.copyMdc(); // the MDC of the thread that logged, kept with the record
                lines.add(ext);
            }
        });
        Logger progress = Logger.getLogger("sluice.run");
        progress.addHandler(capture);
        try {
            UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
            String id = UUID.randomUUID().toString();
            Events.postSigned("/", EventTypes.ANALYSIS_COMPLETED, id, "/sluice/analyze", null, "{\"runId\":\"" + run
                    + "\",\"attempt\":1,\"decision\":\"REJECT\",\"riskScore\":90,\"confidence\":0.9,\"factors\":[],\"settings\":"
                    + SETTINGS_PROD + "}").then().statusCode(200);
            // the progress line of ANALYZING -> REJECTED, logged as the handling transaction commits
            assertThat(lines).filteredOn(r -> r.getMessage().contains(run.toString().substring(0, 8)) && r.getMessage().contains("REJECTED"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.getMdc("eventId")).isEqualTo(id);
                        assertThat(r.getMdc("eventType")).isEqualTo(EventTypes.ANALYSIS_COMPLETED);
                        assertThat(r.getMdc("runId")).isEqualTo(run.toString());
                    });
        } finally {
            progress.removeHandler(capture);
        }
    }
}
