package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.ClusterProfile.sluiceYaml;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.TestRepository;

/** Knative Service "hello" releases taken through their whole canary, for tests that need them as a starting point. */
final class KnativeReleases {
    private KnativeReleases() {
    }

    /** Commits hello:1 with the environment's .sluice.yaml and takes it to VERIFIED: a new Service has no canary. */
    static String verifiedFirstRelease(ClusterSimulation cluster, TestRepository repo, String env, String canary) {
        String v1 = repo.commit("hello 1", Map.of(".sluice.yaml", sluiceYaml(env, "canary", canary, false),
                "k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:1")));
        UUID run = UUID.randomUUID();
        JsonNode started = tree(postRequested(run, repo.url(), env, env, v1, "canary", false).asString());
        assertThat(started.path("trafficPercent").asInt()).isEqualTo(100);
        assertThat(cluster.traffic(env, "hello")).containsExactly("latest=100");
        String releaseId = started.path("releaseId").asText();
        cluster.knativeReady(env, "hello");
        JsonNode done = tree(postCheck(run, 1, releaseId).asString());
        assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("VERIFIED");
        assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
        return releaseId;
    }

    /** Commits hello at a new image, requests it and checks it (Knative reconciling each time) to its completion. */
    static String verifiedCanary(ClusterSimulation cluster, TestRepository repo, String env, String image) {
        String sha = repo.commit("hello " + image, Map.of("k8s/hello.yaml", knativeService("hello", image)));
        UUID run = UUID.randomUUID();
        String releaseId = tree(postRequested(run, repo.url(), env, env, sha, "canary", false).asString()).path("releaseId").asText();
        for (int i = 0; i < 10; i++) {
            cluster.knativeReady(env, "hello");
            Response reply = postCheck(run, 1, releaseId);
            if (EventTypes.DEPLOYMENT_COMPLETED.equals(reply.header("ce-type"))) {
                assertThat(tree(reply.asString()).path("outcome").asText()).isEqualTo("VERIFIED");
                return releaseId;
            }
        }
        throw new AssertionError("release " + releaseId + " did not complete in 10 checks");
    }
}
