package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.postRollback;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** dev.sluice.environment.rollback in plan mode: the ledger records the restore; nothing is applied. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PlanRollbackTest {
    /** The namespace of this test: a namespace belongs to the first project (test repository) that deploys there. */
    private final String shop = DeploymentEvents.environment("shop");

    @Test
    void aRollbackInPlanModeRecordsTheRestoredReleaseAndTheRolledBackCommitStaysOutUntilRetried() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("plan-rollback");
            String v1 = repo.commit("1", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {v: '1'}\n"));
            String v2 = repo.commit("2", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {v: '2'}\n"));
            postRequested(UUID.randomUUID(), repo.url(), env, shop, v1).then().statusCode(200);
            postRequested(UUID.randomUUID(), repo.url(), env, shop, v2).then().statusCode(200);

            postRollback(env, null, "ana", "wrong value").then().statusCode(204);

            Release restoring = release(env + "-3");
            assertThat(restoring.kind).isEqualTo(Release.Kind.ROLLBACK);
            assertThat(restoring.restores).isEqualTo(env + "-1");
            assertThat(restoring.mode).isEqualTo(DeployMode.PLAN);
            assertThat(restoring.sha).isEqualTo(v1);
            assertThat(restoring.outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(restoring.reason).endsWith("on request of ana: wrong value; plan mode: nothing applied");
            assertThat(restoring.objects).contains("\"v\":\"1\"");
            assertThat(tree(restoring.plan).path("objects").get(0).path("changedPaths").get(0).asText()).isEqualTo("/data/v");
            assertThat(release(env + "-2").outcome).isEqualTo(Outcome.ROLLED_BACK);

            JsonNode refused = tree(postRequested(UUID.randomUUID(), repo.url(), env, shop, v2).asString());
            assertThat(refused.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(refused.path("reason").asText()).contains("was rolled back in " + env);

            var retried = DeploymentEvents.postRequested(UUID.randomUUID(), repo.url(), env, shop, v2, "canary", true);
            retried.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            assertThat(tree(retried.asString()).path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(tree(retried.asString()).path("releaseId").asText()).isEqualTo(env + "-4");
            // The restored commit was never rolled back: it deploys as usual.
            assertThat(tree(postRequested(UUID.randomUUID(), repo.url(), env, shop, v1).asString()).path("outcome").asText())
                    .isEqualTo("VERIFIED");
        }
    }
}
