package dev.sluice.local.observe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.local.Fixtures;
import dev.sluice.local.broker.Eventually;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.testing.Metrics;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * One run is one trace: the whole pipeline in this process (the local broker routing by the real knative/ Triggers, route's
 * outbox relaying to it), with the OpenTelemetry SDK on and the spans kept in memory. A push that carries a W3C trace
 * context in its {@code traceparent} extension is handled by route, analyze, validate and deploy in spans of that trace.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(RunTraceTest.Traced.class)
class RunTraceTest {
    static final int PORT = freePort();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The spans of a run's way through the four functions, one per event handled. */
    static final Set<String> STAGES = Set.of("route process dev.sluice.push", "analyze process dev.sluice.analysis.requested",
            "route process dev.sluice.analysis.completed", "validate process dev.sluice.validation.requested",
            "route process dev.sluice.validation.completed", "deploy process dev.sluice.deployment.requested",
            "route process dev.sluice.deployment.completed");

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms",
                    "quarkus.http.test-port", String.valueOf(PORT),
                    "sluice.sink", "http://127.0.0.1:" + PORT + "/broker",
                    "sluice.outbox.enabled", "true",
                    "sluice.local.knative-dir", Fixtures.knativeFolder().toString());
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aPushesTraceContextIsContinuedByEveryStageOfItsRun() throws IOException {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String traceparent = "00-" + traceId + "-" + "00f067aa0ba902b7" + "-01";
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commitFolder("the example", example());
            given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-type", "dev.sluice.push").header("ce-source", "/trace-test")
                    .header("ce-traceparent", traceparent).header("ce-tracestate", "sluice=test")
                    .body("{\"repository\":{\"url\":\"" + repo.url() + "\",\"name\":\"hello\"},\"ref\":\"refs/heads/main\",\"after\":\""
                            + sha + "\"}")
                    .post("/broker").then().statusCode(202);

            Run run = Eventually.await("the run succeeds", WAIT, () -> QuarkusTransaction.requiringNew()
                    .call(() -> Run.<Run> find("afterSha", sha).firstResult()), r -> r != null && r.state.isFinal());
            assertThat(run.state).as(run.stateReason).isEqualTo(RunState.SUCCEEDED);

            // every stage's span, in the push's trace
            List<SpanData> mine = Eventually.await("every function's span is exported", WAIT, () -> spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList(),
                    l -> l.stream().map(SpanData::getName).collect(Collectors.toSet()).containsAll(STAGES));
            assertThat(functions(mine)).contains("route", "analyze", "validate", "deploy");
            assertThat(mine).filteredOn(s -> STAGES.contains(s.getName())).allSatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER));
            SpanData pushSpan = mine.stream().filter(s -> s.getName().equals("route process dev.sluice.push")).findFirst().orElseThrow();
            assertThat(pushSpan.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            // no span of another trace handled this run's events
            assertThat(spans.getFinishedSpanItems()).filteredOn(s -> run.id.toString()
                    .equals(s.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals("cloudevents.event_subject"))
                            .map(e -> String.valueOf(e.getValue())).findFirst().orElse(null)))
                    .isNotEmpty().allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));

            // the run's first request went through route's outbox, the trace context stored with it
            List<OutboxEvent> outboxed = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent> list(
                    "eventType = ?1 and event like ?2", "dev.sluice.analysis.requested", "%" + run.id + "%"));
            assertThat(outboxed).singleElement().satisfies(o -> assertThat(o.event).contains("\"traceparent\":\"00-" + traceId)
                    .contains("\"tracestate\":\"sluice=test\""));
        }
        // and the local pipeline's /q/metrics, one scrape for all four functions, saw the run through its stages
        String metrics = Eventually.await("the run's end is counted", WAIT, Metrics::scrape,
                m -> Metrics.count(m, "sluice_runs_finished_total", "state", "SUCCEEDED") >= 1);
        assertThat(Metrics.count(metrics, "sluice_analysis_duration_seconds_count", "decision", "APPROVE")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "sluice_analysis_duration_seconds_sum", "decision", "APPROVE")).isPositive();
        assertThat(Metrics.count(metrics, "sluice_validation_duration_seconds_count", "passed", "true")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.count(metrics, "sluice_run_stage_duration_seconds_count", "stage", "deploying")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.count(metrics, "sluice_runs_started_total")).isGreaterThanOrEqualTo(1);
    }

    private static Set<String> functions(List<SpanData> spans) {
        return spans.stream().map(s -> s.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("sluice.function")).map(e -> String.valueOf(e.getValue())).findFirst()
                .orElse("")).collect(Collectors.toSet());
    }

    /** examples/hello, the service the README pushes. */
    private static Path example() {
        return Fixtures.knativeFolder().getParent().resolve("examples/hello");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
