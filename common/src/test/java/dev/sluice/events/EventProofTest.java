package dev.sluice.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

class EventProofTest {
    private static final byte[] KEY = "a-key-of-the-installation".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PREVIOUS = "the-key-before-rotation".getBytes(StandardCharsets.UTF_8);
    private static final UUID RUN = UUID.randomUUID();

    private static CloudEvent event(String type, String source, String data) {
        return CloudEventBuilder.v1().withId("e-1").withType(type).withSource(URI.create(source)).withSubject(RUN.toString())
                .withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String approved(int attempt) {
        return "{\"runId\":\"" + RUN + "\",\"attempt\":" + attempt + ",\"decision\":\"APPROVE\",\"riskScore\":0,\"confidence\":0.90}";
    }

    /** The event as it arrives elsewhere: the same attributes and proof, other data. */
    private static CloudEvent withData(CloudEvent signed, String data) {
        return CloudEventBuilder.from(signed).withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void aSignedResultVerifiesEvenAfterABrokerAddsExtensionsAndReSerialisesItsData() {
        CloudEvent signed = EventProof.sign(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", approved(1)), KEY);
        assertThat(EventProof.refusal(signed, List.of(KEY))).isEmpty();
        CloudEvent relayed = CloudEventBuilder.from(signed).withExtension("knativearrivaltime", "2026-12-06T07:00:00Z")
                .withExtension("knativebrokerttl", 254).build();
        assertThat(EventProof.refusal(relayed, List.of(KEY))).isEmpty();
        String reordered = "{ \"confidence\": 9E-1, \"riskScore\": 0.0, \"decision\": \"APPROVE\", \"attempt\": 1, \"runId\": \"" + RUN + "\" }";
        assertThat(EventProof.refusal(withData(signed, reordered), List.of(KEY))).isEmpty();
    }

    @Test
    void theTraceContextIsNotCoveredSoATracingBrokerOrRelayMayAddOrRewriteIt() {
        CloudEvent signed = EventProof.sign(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", approved(1)), KEY);
        CloudEvent traced = CloudEventBuilder.from(signed)
                .withExtension(TraceContext.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .withExtension(TraceContext.TRACESTATE, "vendor=1").build();
        assertThat(EventProof.refusal(traced, List.of(KEY))).isEmpty();
        // and one signed with its trace context verifies without it
        assertThat(EventProof.refusal(CloudEventBuilder.from(EventProof.sign(traced, KEY)).withoutExtension(TraceContext.TRACEPARENT)
                .withoutExtension(TraceContext.TRACESTATE).build(), List.of(KEY))).isEmpty();
        assertThat(io.opentelemetry.api.trace.Span.fromContext(TraceContext.extract(traced)).getSpanContext().getTraceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void changingTheAttemptTheRunTheDataOrAnyCoveredAttributeBreaksTheProof() {
        CloudEvent signed = EventProof.sign(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", approved(1)), KEY);
        assertThat(EventProof.refusal(withData(signed, approved(2)), List.of(KEY))).get().asString().contains("does not match");
        assertThat(EventProof.refusal(withData(signed, approved(1).replace("APPROVE", "REJECT")), List.of(KEY))).isPresent();
        assertThat(EventProof.refusal(CloudEventBuilder.from(signed).withSubject(UUID.randomUUID().toString()).build(), List.of(KEY)))
                .isPresent();
        assertThat(EventProof.refusal(CloudEventBuilder.from(signed).withId("e-2").build(), List.of(KEY))).isPresent();
        assertThat(EventProof.refusal(CloudEventBuilder.from(signed).withType(EventTypes.VALIDATION_COMPLETED).build(), List.of(KEY)))
                .isPresent();
        assertThat(EventProof.refusal(EventProof.sign(signed, "another-key-entirely".getBytes(StandardCharsets.UTF_8)), List.of(KEY)))
                .get().asString().contains("does not match");
    }

    @Test
    void aStageEventWithoutProofIsRefusedWhileAPushOrATickNeedsNone() {
        assertThat(EventProof.refusal(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", approved(1)), List.of(KEY)))
                .get().asString().contains("carries no proof");
        assertThat(EventProof.refusal(event(EventTypes.VALIDATION_REQUESTED, "/sluice/route", "{}"), List.of(KEY))).isPresent();
        assertThat(EventProof.refusal(event(EventTypes.RUN_CANCEL, "/sluice/route", "{}"), List.of(KEY))).isPresent();
        assertThat(EventProof.refusal(event(EventTypes.PUSH, "/curl", "{}"), List.of(KEY))).isEmpty();
        assertThat(EventProof.refusal(event(EventTypes.TICK, "/anyone", "{}"), List.of(KEY))).isEmpty();
        CloudEvent garbage = CloudEventBuilder.from(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/analyze", approved(1)))
                .withExtension(EventProof.EXTENSION, "not base64 !").build();
        assertThat(EventProof.refusal(garbage, List.of(KEY))).get().asString().contains("base64");
    }

    @Test
    void aResultSignedByOneStageNamingAnotherIsRefused() {
        // validate holds the key too, but an analysis result must come from analyze
        CloudEvent asAnalysis = EventProof.sign(event(EventTypes.ANALYSIS_COMPLETED, "/sluice/validate", approved(1)), KEY);
        assertThat(EventProof.refusal(asAnalysis, List.of(KEY))).get().asString().contains("must come from [/sluice/analyze]");
        CloudEvent request = EventProof.sign(event(EventTypes.DEPLOYMENT_REQUESTED, "/sluice/analyze", "{}"), KEY);
        assertThat(EventProof.refusal(request, List.of(KEY))).get().asString().contains("/sluice/route");
        String failed = "{\"runId\":\"" + RUN + "\",\"attempt\":1,\"stage\":\"analysis\",\"error\":\"x\",\"retryable\":false}";
        assertThat(EventProof.refusal(EventProof.sign(event(EventTypes.STEP_FAILED, "/sluice/validate", failed), KEY), List.of(KEY)))
                .get().asString().contains("names stage 'analysis'");
        assertThat(EventProof.refusal(EventProof.sign(event(EventTypes.STEP_FAILED, "/sluice/analyze", failed), KEY), List.of(KEY)))
                .isEmpty();
    }

    @Test
    void anEventSignedWithThePreviousKeyVerifiesWhileItIsConfiguredAndNotAfterItIsRemoved() {
        CloudEvent before = EventProof.sign(event(EventTypes.DEPLOYMENT_COMPLETED, "/sluice/deploy",
                "{\"runId\":\"" + RUN + "\",\"attempt\":1,\"outcome\":\"VERIFIED\"}"), PREVIOUS);
        assertThat(EventProof.refusal(before, List.of(KEY, PREVIOUS))).isEmpty();
        assertThat(EventProof.refusal(before, List.of(KEY))).isPresent();
    }

    @Test
    void canonicalDataSortsKeysAndWritesEachNumberOneWay() throws Exception {
        var json = EventCodec.json();
        assertThat(json.writeValueAsString(EventProof.canonical(json.readTree("{\"b\":[1.50,{\"d\":1,\"c\":2}],\"a\":10}"))))
                .isEqualTo("{\"a\":10,\"b\":[1.5,{\"c\":2,\"d\":1}]}");
    }
}
