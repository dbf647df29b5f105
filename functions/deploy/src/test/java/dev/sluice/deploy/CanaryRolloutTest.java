package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.configMap;
import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

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
 * Canary releases of Knative Services in cluster mode, against fabric8's mock server: revisions named per release,
 * traffic stepped through canary.steps behind the health gate, rollback to the last verified revision.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(ClusterProfile.class)
class CanaryRolloutTest {
    static final String FAST = "{steps: [10, 25, 50, 75, 100], interval: 0s, probe: {path: /healthz, maxLatency: 2s}}";

    @KubernetesTestServer
    KubernetesServer server;

    static HttpServer probe;
    static volatile int probeStatus = 200;
    ClusterSimulation cluster;

    @BeforeAll
    static void startProbeServer() throws IOException {
        probe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        probe.setExecutor(Executors.newCachedThreadPool());
        probe.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(probeStatus, -1);
            exchange.close();
        });
        probe.createContext("/slow", exchange -> {
            sleep(1500);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        // 200 only when a second GET arrives while the first waits (up to 1.5s): probes sent one after another get 503.
        probe.createContext("/together", exchange -> {
            boolean paired;
            synchronized (TOGETHER) {
                int me = ++arrivals;
                TOGETHER.notifyAll();
                long deadline = System.currentTimeMillis() + 1500;
                while (arrivals == me && me % 2 == 1 && System.currentTimeMillis() < deadline) {
                    try {
                        TOGETHER.wait(Math.max(1, deadline - System.currentTimeMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                paired = me % 2 == 0 || arrivals > me;
            }
            exchange.sendResponseHeaders(paired ? 200 : 503, -1);
            exchange.close();
        });
        probe.start();
    }

    static final Object TOGETHER = new Object();
    static int arrivals;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    static void stopProbeServer() {
        probe.stop(0);
    }

    @BeforeEach
    void simulation() {
        probeStatus = 200;
        cluster = new ClusterSimulation(server.getClient(), "http://127.0.0.1:" + probe.getAddress().getPort());
    }

    @Test
    void canaryStepsTheNewRevisionThroughEveryTrafficStepThenVerifiesIt() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("canary");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();

            Response started = postRequested(run, repo.url(), env, env, v2, "canary", false);

            started.then().statusCode(200)
                    .header("ce-type", EventTypes.DEPLOYMENT_PROGRESSED)
                    .header("ce-source", "/sluice/deploy")
                    .header("ce-subject", run.toString());
            JsonNode progressed = tree(started.asString());
            String releaseId = progressed.path("releaseId").asText();
            assertThat(releaseId).isEqualTo(env + "-2");
            assertThat(progressed.path("step").asInt()).isZero();
            assertThat(progressed.path("trafficPercent").asInt()).isZero();
            var live = cluster.service(env, "hello");
            assertThat(live.getSpec().getTemplate().getMetadata().getName()).isEqualTo("hello-" + env + "-2");
            assertThat(live.getMetadata().getLabels()).containsEntry("sluice.dev/release", releaseId)
                    .containsEntry("sluice.dev/run", run.toString()).containsEntry("app.kubernetes.io/managed-by", "sluice");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100", "hello-" + env + "-2=0@canary");

            // Knative has not made the revision Ready yet: the gate does not hold, nothing moves, nothing is replied.
            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).step).isZero();
            assertThat(release(releaseId).health).startsWith("waiting: Revision hello-" + env + "-2 not created yet");

            int[] expected = { 10, 25, 50, 75, 100 };
            for (int i = 0; i < expected.length; i++) {
                cluster.knativeReady(env, "hello");
                Response step = postCheck(run, 1, releaseId);
                step.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_PROGRESSED).header("ce-subject", run.toString());
                JsonNode data = tree(step.asString());
                assertThat(data.path("step").asInt()).isEqualTo(i + 1);
                assertThat(data.path("trafficPercent").asInt()).isEqualTo(expected[i]);
                assertThat(data.path("health").asText()).startsWith("healthy: Revision hello-" + env + "-2 and its Service Ready, 0 restarts")
                        .contains("probe GET http://127.0.0.1:" + probe.getAddress().getPort() + "/healthz answered 200");
                if (expected[i] < 100) {
                    assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=" + (100 - expected[i]),
                            "hello-" + env + "-2=" + expected[i] + "@canary");
                } else {
                    assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-2=100@canary");
                }
            }

            cluster.knativeReady(env, "hello");
            Response done = postCheck(run, 1, releaseId);

            done.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run.toString());
            JsonNode completed = tree(done.asString());
            assertThat(completed.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(completed.path("reason").asText()).startsWith("verified: canary 10% → 25% → 50% → 75% → 100%, the gate held at each step");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-2=100");
            Release ledger = release(releaseId);
            assertThat(ledger.outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(ledger.verifiedAt).isNotNull();
            assertThat(ledger.trafficSteps()).extracting(TrafficStep::percent).containsExactly(0, 10, 25, 50, 75, 100, 100);
            assertThat(ledger.trafficSteps()).allSatisfy(s -> assertThat(s.at()).isNotNull());
            assertThat(ledger.serviceRevisions()).containsExactly(
                    new ServiceRevision(env, "hello", "hello-" + env + "-2", "hello-" + env + "-1"));
            // The plan diffs the image, not the revision name Sluice sets on every release.
            JsonNode planned = report(run).path("objects").get(0);
            assertThat(planned.path("action").asText()).isEqualTo("CHANGE");
            assertThat(planned.path("changedPaths")).extracting(JsonNode::asText)
                    .containsExactly("/spec/template/spec/containers/0/image");
            assertThat(report(run).path("outcome").asText()).isEqualTo("VERIFIED");
            // No Prometheus configured: no metric analysis, and the report says so.
            assertThat(report(run).path("analysis").path("status").asText()).isEqualTo("off");
            assertThat(report(run).path("analysis").path("note").asText())
                    .isEqualTo("no metric analysis: no Prometheus configured (sluice.deploy.prometheus.url)");
            assertThat(report(run).path("steps")).hasSize(7);
        }
    }

    @Test
    void aHealthGateFailingAt25PercentSendsAllTrafficBackToTheLastVerifiedRevision() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("restarts");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            for (int percent : new int[] { 10, 25 }) {
                cluster.knativeReady(env, "hello");
                assertThat(tree(postCheck(run, 1, releaseId).asString()).path("trafficPercent").asInt()).isEqualTo(percent);
            }

            // At 25% the new revision's container starts crashing.
            cluster.knativeReady(env, "hello");
            cluster.revisionPod(env, "hello-" + env + "-2", 3);
            Response reply = postCheck(run, 1, releaseId);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("releaseId").asText()).isEqualTo(releaseId);
            assertThat(data.path("reason").asText()).isEqualTo("health gate failed at 25% (step 2 of 5): Revision hello-" + env
                    + "-2 has 3 container restarts (at most 0 allowed); all traffic back: hello to hello-" + env + "-1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
            Release ledger = release(releaseId);
            assertThat(ledger.outcome).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(ledger.rolledBackAt).isNotNull();
            assertThat(ledger.trafficSteps()).extracting(TrafficStep::percent).containsExactly(0, 10, 25, 0);
            assertThat(release(env + "-1").outcome).isEqualTo(Outcome.VERIFIED);
            // Asking again repeats the outcome and changes nothing.
            assertThat(tree(postCheck(run, 1, releaseId).asString()).path("outcome").asText()).isEqualTo("ROLLED_BACK");
        }
    }

    @Test
    void aProbeAnsweringAnErrorStopsTheCanaryBeforeItGetsAnyTraffic() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("probe");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();

            probeStatus = 503;
            cluster.knativeReady(env, "hello");
            Response reply = postCheck(run, 1, releaseId);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).startsWith("health gate failed before the first step: probe GET http://127.0.0.1:"
                    + probe.getAddress().getPort() + "/healthz answered 503 in ");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
        }
    }

    @Test
    void aProbeAnsweringSlowerThanMaxLatencyFailsTheGate() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("slow");
            verifiedFirstRelease(repo, env, "{steps: [50, 100], interval: 0s, probe: {path: /slow, maxLatency: 1s}}");
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();

            cluster.knativeReady(env, "hello");
            JsonNode data = tree(postCheck(run, 1, releaseId).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).startsWith("health gate failed before the first step: probe GET http://127.0.0.1:"
                    + probe.getAddress().getPort() + "/slow answered 200 in ")
                    .contains("ms (at most 1000ms allowed); all traffic back: hello to hello-" + env + "-1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
        }
    }

    @Test
    void theProbesOfEveryCanariedServiceGoOutTogetherSoACheckWaitsForTheSlowestNotTheirSum() {
        String canary = "{steps: [10, 100], interval: 0s, probe: {path: /together, maxLatency: 2s}}";
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("together");
            String v1 = repo.commit("two services", Map.of(".sluice.yaml", ClusterProfile.sluiceYaml(env, "canary", canary, false),
                    "k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:1"), "k8s/bye.yaml", knativeService("bye", "ghcr.io/acme/bye:1")));
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "canary", false).asString()).path("releaseId").asText();
            cluster.knativeReady(env, "hello");
            cluster.knativeReady(env, "bye");
            assertThat(tree(postCheck(run1, 1, first).asString()).path("outcome").asText()).isEqualTo("VERIFIED");
            String v2 = repo.commit("both 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2"),
                    "k8s/bye.yaml", knativeService("bye", "ghcr.io/acme/bye:2")));
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            synchronized (TOGETHER) {
                arrivals = 0;
            }

            cluster.knativeReady(env, "hello");
            cluster.knativeReady(env, "bye");
            JsonNode step = tree(postCheck(run2, 1, second).asString());

            assertThat(step.path("trafficPercent").asInt()).as(step.toString()).isEqualTo(10);
            assertThat(step.path("health").asText().split("/together answered 200")).hasSize(3);
            assertThat(cluster.traffic(env, "bye")).containsExactly("bye-" + env + "-1=90", "bye-" + env + "-2=10@canary");
        }
    }

    @Test
    void aKnativeServiceReportedNotReadyFailsTheGateWithKnativesReason() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("svcdown");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();

            cluster.knativeServiceNotReady(env, "hello", "RevisionFailed", "Revision \"hello-" + env + "-2\" failed with message: route not programmed");
            JsonNode data = tree(postCheck(run, 1, releaseId).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).isEqualTo("health gate failed before the first step: Knative Service hello is not "
                    + "ready: RevisionFailed: Revision \"hello-" + env + "-2\" failed with message: route not programmed; "
                    + "all traffic back: hello to hello-" + env + "-1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
        }
    }

    @Test
    void aProbeLatencyBoundOverTenSecondsIsRefusedAsABrokenSluiceYaml() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("patient");
            String sha = repo.commit("hello", Map.of(".sluice.yaml",
                    ClusterProfile.sluiceYaml(env, "canary", "{probe: {path: /healthz, maxLatency: 30s}}", false),
                    "k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:1")));
            UUID run = UUID.randomUUID();

            Response reply = postRequested(run, repo.url(), env, env, sha, "canary", false);

            reply.then().statusCode(200).header("ce-type", EventTypes.STEP_FAILED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("retryable").asBoolean(true)).isFalse();
            assertThat(data.path("error").asText()).isEqualTo(".sluice.yaml: environment " + env + " canary.probe.maxLatency '30s' "
                    + "is more than 10s: the probe is waited for inside a check, which must answer within deploy's request timeout");
            assertThat(ledger(env)).isEmpty();
            assertThat(cluster.service(env, "hello")).isNull();
        }
    }

    @Test
    void aRevisionKnativeReportsFailedRollsBackWithKnativesReason() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("failed");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:typo")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();

            cluster.revision(env, "hello-" + env + "-2", "False", "ContainerMissing", "Unable to fetch image \"ghcr.io/acme/hello:typo\"");
            JsonNode data = tree(postCheck(run, 1, releaseId).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).contains("Revision hello-" + env + "-2 is not ready: ContainerMissing: Unable to fetch image");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
        }
    }

    @Test
    void aCheckBeforeTheIntervalHasPassedTakesNoStep() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("interval");
            verifiedFirstRelease(repo, env, "{steps: [20, 100], interval: 1h}");
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            cluster.knativeReady(env, "hello");
            // The first step waits only for the gate.
            assertThat(tree(postCheck(run, 1, releaseId).asString()).path("trafficPercent").asInt()).isEqualTo(20);

            cluster.knativeReady(env, "hello");
            postCheck(run, 1, releaseId).then().statusCode(204);

            Release ledger = release(releaseId);
            assertThat(ledger.step).isEqualTo(1);
            assertThat(ledger.trafficPercent).isEqualTo(20);
            assertThat(ledger.health).endsWith("next step after 1h");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=80", "hello-" + env + "-2=20@canary");
        }
    }

    @Test
    void aKnativeServiceThatDidNotChangeKeepsItsRevisionAndGetsNoCanary() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("unchanged");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("config only", Map.of("k8s/config.yaml", configMap("greeting", "hi")));
            UUID run = UUID.randomUUID();

            JsonNode started = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString());

            assertThat(started.path("trafficPercent").asInt()).isEqualTo(100);
            String releaseId = started.path("releaseId").asText();
            assertThat(release(releaseId).serviceRevisions()).containsExactly(
                    new ServiceRevision(env, "hello", "hello-" + env + "-1", "hello-" + env + "-1"));
            assertThat(cluster.service(env, "hello").getSpec().getTemplate().getMetadata().getName()).isEqualTo("hello-" + env + "-1");
            JsonNode done = tree(postCheck(run, 1, releaseId).asString());
            assertThat(done.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(release(releaseId).trafficSteps()).extracting(TrafficStep::step).containsOnly(0);
        }
    }

    @Test
    void aRolledBackCommitIsNotDeployedAgainOnItsOwnButAnExplicitRetryOrANewerCommitIs() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("again");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            cluster.revision(env, "hello-" + env + "-2", "False", "ExitCode1", "Container failed with: boom");
            assertThat(tree(postCheck(run, 1, releaseId).asString()).path("outcome").asText()).isEqualTo("ROLLED_BACK");

            UUID again = UUID.randomUUID();
            Response refused = postRequested(again, repo.url(), env, env, v2, "canary", false);

            refused.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", again.toString());
            JsonNode data = tree(refused.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("releaseId").isMissingNode() || data.path("releaseId").isNull()).isTrue();
            assertThat(data.path("reason").asText()).startsWith("commit " + v2.substring(0, 12) + " was rolled back in " + env
                    + " (release " + releaseId + ": health gate failed before the first step")
                    .endsWith("it is not deployed again on its own: push a newer commit, or retry the run (POST /runs/{id}/retry)");
            assertThat(ledger(env)).hasSize(2);

            Response retried = postRequested(UUID.randomUUID(), repo.url(), env, env, v2, "canary", true);
            retried.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_PROGRESSED);
            assertThat(tree(retried.asString()).path("releaseId").asText()).isEqualTo(env + "-3");

            String v3 = repo.commit("hello 3", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:3")));
            Response newer = postRequested(UUID.randomUUID(), repo.url(), env, env, v3, "canary", false);
            newer.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_PROGRESSED);
            assertThat(tree(newer.asString()).path("releaseId").asText()).isEqualTo(env + "-4");
            assertThat(release(env + "-3").outcome).as("a newer release abandons the unfinished retry").isEqualTo(Outcome.FAILED);
        }
    }

    @Test
    void aLaterFailedReleaseOfARolledBackCommitDoesNotLiftItsBlock() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("refail");
            verifiedFirstRelease(repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String rolledBack = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            cluster.revision(env, "hello-" + env + "-2", "False", "ExitCode1", "Container failed with: boom");
            assertThat(tree(postCheck(run, 1, rolledBack).asString()).path("outcome").asText()).isEqualTo("ROLLED_BACK");
            // A person retries it (direct this time); its revision is not there at the first check: FAILED, not rolled back.
            UUID retry = UUID.randomUUID();
            String retried = tree(postRequested(retry, repo.url(), env, env, v2, "direct", true).asString()).path("releaseId").asText();
            assertThat(tree(postCheck(retry, 1, retried).asString()).path("outcome").asText()).isEqualTo("FAILED");

            // The commit's newest release failed, but the last verdict on it is still the rollback.
            UUID again = UUID.randomUUID();
            Response refused = postRequested(again, repo.url(), env, env, v2, "canary", false);

            refused.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", again.toString());
            JsonNode data = tree(refused.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).startsWith("commit " + v2.substring(0, 12) + " was rolled back in " + env
                    + " (release " + rolledBack + ": health gate failed");
            assertThat(ledger(env)).extracting(r -> r.id).containsExactly(env + "-1", rolledBack, retried);
        }
    }

    private String verifiedFirstRelease(TestRepository repo, String env, String canary) {
        return KnativeReleases.verifiedFirstRelease(cluster, repo, env, canary);
    }
}
