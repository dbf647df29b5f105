package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * Canary analysis by metrics against a real Prometheus (Debian's package, started by {@link PrometheusServer}) scraping
 * a local server that exposes Knative queue-proxy's request metrics for the canary revision; the cluster is fabric8's
 * mock server. The default metrics (success rate, p99 latency) are the ones judged.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(CanaryAnalysisTest.WithPrometheus.class)
class CanaryAnalysisTest {
    /** deploy in cluster mode, with the test's Prometheus as its metrics source. */
    public static class WithPrometheus extends ClusterProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            String url = PrometheusServer.url();
            // Without prometheus installed the tests abort before posting anything; the URL is then never asked.
            config.put("sluice.deploy.prometheus.url", url == null ? "http://127.0.0.1:9" : url);
            return config;
        }
    }

    // 3s: Prometheus (scraping every 1s) has at least two samples of each counter in the [3s] rate window
    static final String ANALYSED = "{steps: [25, 50, 100], interval: 0s, analysis: {interval: 3s, failureLimit: 2}}";

    @KubernetesTestServer
    KubernetesServer server;

    ClusterSimulation cluster;

    @BeforeEach
    void simulation() {
        PrometheusServer.assumeAvailable();
        cluster = new ClusterSimulation(server.getClient(), "http://127.0.0.1:9");
    }

    @Test
    void aCanaryWhoseMetricsHoldStepsThroughAndIsVerified() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("metrics-good");
            Canary canary = start(repo, env, ANALYSED);

            JsonNode done = checkUntil(canary, r -> EventTypes.DEPLOYMENT_COMPLETED.equals(r.header("ce-type")));

            assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("VERIFIED");
            Release ledger = release(canary.releaseId);
            assertThat(ledger.trafficSteps()).extracting(TrafficStep::percent).containsExactly(0, 25, 50, 100, 100);
            // Each step after the first went on with the metrics of the step before holding.
            assertThat(ledger.trafficSteps().get(2).health()).contains("analysis held: request-success-rate of " + canary.revision
                    + " = 100 (min 99); request-duration-p99 of " + canary.revision + " = ");
            CanaryAnalysis.State state = ledger.analysisState();
            assertThat(state.status()).isEqualTo("on");
            assertThat(state.checks()).isNotEmpty().allSatisfy(c -> assertThat(c.failed()).isFalse());
            assertThat(state.checks()).extracting(CanaryAnalysis.Check::percent).contains(25, 50, 100);
            CanaryAnalysis.Reading latency = state.checks().get(state.checks().size() - 1).readings().stream()
                    .filter(r -> r.metric().equals("request-duration-p99")).findFirst().orElseThrow();
            assertThat(latency.value()).isBetween(5.0, 50.0);
            assertThat(latency.threshold()).isEqualTo("max 500");
            assertThat(latency.query()).contains("revision_app_request_latencies_bucket{namespace_name=\"" + env
                    + "\",revision_name=\"" + canary.revision + "\"}[3s]");
            JsonNode analysis = report(canary.run).path("analysis");
            assertThat(analysis.path("status").asText()).isEqualTo("on");
            assertThat(analysis.path("checks").get(0).path("readings").get(0).path("metric").asText()).isEqualTo("request-success-rate");
        }
    }

    @Test
    void metricsThatTurnBadMidwayRollTheCanaryBackWithTheQueryItsValueAndTheThreshold() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("metrics-bad");
            Canary canary = start(repo, env, ANALYSED);
            // Good at 25%: the canary goes on to 50%.
            JsonNode at50 = checkUntil(canary, r -> tree(r.asString()).path("trafficPercent").asInt() == 50);
            assertThat(at50.path("health").asText()).contains("analysis held: request-success-rate of " + canary.revision + " = 100");

            PrometheusServer.METRICS.bad(canary.revision, true);
            JsonNode done = checkUntil(canary, r -> EventTypes.DEPLOYMENT_COMPLETED.equals(r.header("ce-type")));

            assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("ROLLED_BACK");
            String reason = done.path("reason").asText();
            assertThat(reason).startsWith("canary analysis failed at 50% (step 2 of 3): 2 failed checks in this step (2 roll back); ")
                    .containsPattern("request-success-rate of " + canary.revision + " = \\d+(\\.\\d+)? \\(min 99\\), query 100 \\* sum\\(rate\\("
                            + "revision_app_request_count\\{namespace_name=\"" + env + "\"")
                    .contains("all traffic back: hello to hello-" + env + "-1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
            CanaryAnalysis.State state = release(canary.releaseId).analysisState();
            assertThat(state.failures()).isEqualTo(2);
            assertThat(state.checks()).filteredOn(CanaryAnalysis.Check::failed).hasSize(2)
                    .allSatisfy(c -> assertThat(c.percent()).isEqualTo(50));
            assertThat(release(canary.releaseId).outcome).isEqualTo(Outcome.ROLLED_BACK);
        }
    }

    @Test
    void aMetricWithNoDataFailsWhenItSaysNoDataFailsAndWaitsWhenItSaysWait() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("metrics-none");
            String waitAndFail = "{steps: [50, 100], interval: 0s, analysis: {interval: 1s, failureLimit: 1, metrics: ["
                    + "{name: errors, query: 'sum(rate(revision_app_request_count{revision_name=\"{{revision}}\",response_code_class=\"5xx\"}[{{interval}}]))', max: 1},"
                    + "{name: queue-depth, query: 'max(revision_queue_depth{service_name=\"{{service}}\",namespace_name=\"{{namespace}}\"})', max: 10, noData: fail}]}}";
            Canary canary = start(repo, env, waitAndFail);

            JsonNode done = checkUntil(canary, r -> EventTypes.DEPLOYMENT_COMPLETED.equals(r.header("ce-type")));

            assertThat(done.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(done.path("reason").asText()).startsWith("canary analysis failed at 50% (step 1 of 2): 1 failed check in this step (1 roll back); "
                    + "queue-depth of " + canary.revision + " = no data (max 10), query max(revision_queue_depth{service_name=\"hello\",namespace_name=\""
                    + env + "\"})");
            // errors says nothing about no data: wait. Its first reading may come before Prometheus has two samples in its
            // window (no data, waiting) or after (0 errors/s, pass); either way it did not count against the step.
            CanaryAnalysis.Reading errors = release(canary.releaseId).analysisState().checks().get(0).readings().get(0);
            assertThat(errors.metric()).isEqualTo("errors");
            assertThat(errors.outcome()).isIn("pass", "waiting");
            assertThat(errors.value()).isIn(null, 0.0);
        }
    }

    @Test
    void aBrokenQueryIsNoDataWithPrometheusErrorNotACrash() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("metrics-broken");
            String broken = "{steps: [50, 100], interval: 0s, analysis: {interval: 1s, metrics: [{name: broken, query: 'sum(rate(', min: 1}]}}";
            Canary canary = start(repo, env, broken);
            checkUntil(canary, r -> tree(r.asString()).path("trafficPercent").asInt() == 50);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String health = "";
            while (!health.contains("no data (Prometheus answered 400: bad_data") && System.nanoTime() < deadline) {
                cluster.knativeReady(env, "hello");
                postCheck(canary.run, 1, canary.releaseId).then().statusCode(204);
                health = release(canary.releaseId).health;
                pause();
            }

            assertThat(health).contains("analysis waiting for data: broken of " + canary.revision + " = no data (Prometheus answered 400: bad_data: ");
            assertThat(release(canary.releaseId).inProgress()).isTrue();
            assertThat(release(canary.releaseId).trafficPercent).isEqualTo(50);
        }
    }

    record Canary(UUID run, String releaseId, String revision) {
    }

    /** A verified first release, then a canary of hello:2 at step 0 whose revision's metrics the test server serves, good. */
    private Canary start(TestRepository repo, String env, String canarySettings) {
        KnativeReleases.verifiedFirstRelease(cluster, repo, env, canarySettings);
        String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
        UUID run = UUID.randomUUID();
        String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
        String revision = "hello-" + env + "-2";
        PrometheusServer.METRICS.serve(env, "hello", revision);
        return new Canary(run, releaseId, revision);
    }

    /** Checks (Knative reconciling before each) until a reply matches; fails after 90 s (a loaded machine scrapes late). */
    private JsonNode checkUntil(Canary canary, Predicate<Response> done) {
        String env = canary.releaseId.substring(0, canary.releaseId.lastIndexOf('-'));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            cluster.knativeReady(env, "hello");
            Response reply = postCheck(canary.run, 1, canary.releaseId);
            if (reply.statusCode() == 200 && done.test(reply)) {
                return tree(reply.asString());
            }
            if (reply.statusCode() == 200 && EventTypes.DEPLOYMENT_COMPLETED.equals(reply.header("ce-type"))) {
                throw new AssertionError("the release ended before the awaited reply: " + reply.asString());
            }
            pause();
        }
        throw new AssertionError("no such reply within 90s; release health: " + release(canary.releaseId).health);
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
