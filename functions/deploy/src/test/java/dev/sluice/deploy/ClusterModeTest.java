package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** Cluster mode is not built: configured, deploy says so and applies nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(ClusterModeTest.ClusterMode.class)
class ClusterModeTest {

    public static class ClusterMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.deploy.mode", "cluster");
        }
    }

    @Test
    void clusterModeRepliesStepFailedNotRetryableSayingItIsNotBuiltAndRecordsNoRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("cm", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            String env = environment("cluster");
            UUID runId = UUID.randomUUID();

            Response reply = postRequested(runId, repo.url(), env, "shop", sha);

            reply.then().statusCode(200)
                    .header("ce-type", EventTypes.STEP_FAILED)
                    .header("ce-source", "/sluice/deploy")
                    .header("ce-subject", runId.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("stage").asText()).isEqualTo("deployment");
            assertThat(data.path("retryable").asBoolean(true)).isFalse();
            assertThat(data.path("error").asText()).startsWith("cluster mode is not built yet");
            assertThat(ledger(env)).isEmpty();
        }
    }
}
