package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.json;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * How long one canary step takes inside deploy: a dev.sluice.deployment.check posted over HTTP until its
 * deployment.progressed reply arrives (gate reads of Service, Revision and pods, the traffic patch, the ledger and
 * report writes, the inbox row; with {@code -Dbench.probe=true} also the probe GET), against fabric8's mock server and
 * the embedded PostgreSQL. Not part of verify (surefire runs *Test classes only): run it with bench/run.sh.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(ClusterProfile.class)
class CanaryStepBench {
    static final int RELEASES = Integer.getInteger("bench.releases", 12);
    static final String STEPS = IntStream.rangeClosed(1, 20).mapToObj(i -> String.valueOf(i * 5)).collect(Collectors.joining(", "));
    static final int WARMUP_RELEASES = 2;

    @KubernetesTestServer
    KubernetesServer server;

    /** With -Dbench.probe=true every step also probes the tagged revision: a local HTTP server answering 200 stands in for it. */
    static final boolean PROBE = Boolean.getBoolean("bench.probe");

    @Test
    void measureOneCanaryStep() throws Exception {
        HttpServer revision = null;
        String tagUrl = "http://127.0.0.1:9";
        String probe = "";
        if (PROBE) {
            revision = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            revision.createContext("/healthz", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            revision.start();
            tagUrl = "http://127.0.0.1:" + revision.getAddress().getPort();
            probe = ", probe: {path: /healthz, maxLatency: 2s}";
        }
        try {
            measure(tagUrl, probe);
        } finally {
            if (revision != null) {
                revision.stop(0);
            }
        }
    }

    private void measure(String tagUrl, String probe) throws Exception {
        ClusterSimulation cluster = new ClusterSimulation(server.getClient(), tagUrl);
        HttpClient http = HttpClient.newHttpClient();
        int port = io.restassured.RestAssured.port;
        URI target = URI.create("http://localhost:" + port + "/");
        List<Double> millis = new ArrayList<>();
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("bench");
            KnativeReleases.verifiedFirstRelease(cluster, repo, env, "{steps: [" + STEPS + "], interval: 0s" + probe + "}");
            for (int r = 0; r < RELEASES; r++) {
                String sha = repo.commit("hello " + r, Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:" + r)));
                UUID run = UUID.randomUUID();
                String releaseId = tree(postRequested(run, repo.url(), env, env, sha, "canary", false).asString()).path("releaseId").asText();
                while (true) {
                    cluster.knativeReady(env, "hello");
                    String id = UUID.randomUUID().toString();
                    String data = json(Events.map("runId", run.toString(), "attempt", 1, "releaseId", releaseId));
                    HttpRequest check = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                            .header("ce-specversion", "1.0").header("ce-id", id)
                            .header("ce-type", EventTypes.DEPLOYMENT_CHECK).header("ce-source", "/sluice/route")
                            .header("ce-subject", run.toString())
                            .header("ce-sluiceproof", Events.proof(EventTypes.DEPLOYMENT_CHECK, id, "/sluice/route", run.toString(), data))
                            .POST(HttpRequest.BodyPublishers.ofString(data))
                            .build();
                    long started = System.nanoTime();
                    HttpResponse<String> reply = http.send(check, HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - started;
                    String type = reply.headers().firstValue("ce-type").orElse("");
                    if (EventTypes.DEPLOYMENT_COMPLETED.equals(type)) {
                        assertThat(tree(reply.body()).path("outcome").asText()).isEqualTo("VERIFIED");
                        break;
                    }
                    assertThat(type).as(reply.body()).isEqualTo(EventTypes.DEPLOYMENT_PROGRESSED);
                    if (PROBE) {
                        assertThat(tree(reply.body()).path("health").asText()).contains("/healthz answered 200");
                    }
                    if (r >= WARMUP_RELEASES) {
                        millis.add(took / 1e6);
                    }
                }
            }
        }
        Collections.sort(millis);
        String result = String.format("canary step, " + (PROBE ? "probe on the tagged revision (local HTTP server answering 200)"
                : "no probe") + " (deployment.check -> deployment.progressed, HTTP on localhost, fabric8 mock server,"
                + " embedded PostgreSQL): n=%d min=%.1fms p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms mean=%.1fms%n",
                millis.size(), millis.get(0), pct(millis, 50), pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1),
                millis.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        System.out.print(result);
        Files.writeString(Path.of("target", PROBE ? "canary-step-bench-probe.txt" : "canary-step-bench.txt"), result);
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

}
