package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.configMap;
import static dev.sluice.deploy.ClusterProfile.sluiceYaml;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** Cluster mode with an API server nobody answers at: nothing is recorded as failed, and the work is tried again. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(UnreachableClusterTest.NoCluster.class)
class UnreachableClusterTest {

    public static class NoCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.deploy.mode", "cluster",
                    "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:1",
                    "quarkus.kubernetes-client.request-retry-backoff-limit", "0");
        }
    }

    @Test
    void aRequestWhileTheClusterIsUnreachableRepliesStepFailedRetryableAndRecordsNoRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("unreachable");
            String sha = repo.commit("config", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/config.yaml", configMap("settings", "1")));
            UUID run = UUID.randomUUID();

            Response reply = postRequested(run, repo.url(), env, env, sha, "direct", false);

            reply.then().statusCode(200).header("ce-type", EventTypes.STEP_FAILED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("retryable").asBoolean(false)).isTrue();
            assertThat(data.path("stage").asText()).isEqualTo("deployment");
            assertThat(data.path("error").asText()).startsWith("the cluster is not reachable").endsWith("(nothing was recorded)");
            assertThat(ledger(env)).isEmpty();
        }
    }

    @Test
    void aCheckWhileTheClusterIsUnreachableTakesNoStepAndSaysSoInTheLedger() {
        String env = environment("offline");
        UUID run = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            Release r = Release.begin("/repo", env, env, run, 1, "0123456789abcdef0123456789abcdef01234567", "/repo", "canary",
                    DeployMode.CLUSTER, Instant.now());
            r.settings = LedgerJson.write(new RolloutSettings("canary", List.of(10, 100), "0s", null, null, 0, false, List.of("k8s/")));
            r.revisions = LedgerJson.write(List.of(new ServiceRevision(env, "hello", "hello-" + env + "-1", "hello-old")));
            r.objects = "[]";
            r.plan = LedgerJson.write(new ReleasePlan(null, new ReleasePlan.Counts(0, 0, 0, 0, 0), List.of(), List.of(), List.of()));
            r.recordStep(0, 0, Instant.now(), "applied");
            r.persist();
        });

        postCheck(run, 1, env + "-1").then().statusCode(204);

        Release r = release(env + "-1");
        assertThat(r.inProgress()).isTrue();
        assertThat(r.step).isZero();
        assertThat(r.health).startsWith("cluster not reachable: ");
    }
}
