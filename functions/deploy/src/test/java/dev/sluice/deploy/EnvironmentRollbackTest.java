package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.postRollback;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static dev.sluice.deploy.KnativeReleases.verifiedCanary;
import static dev.sluice.deploy.KnativeReleases.verifiedFirstRelease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

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

/** dev.sluice.environment.rollback in cluster mode: an earlier release restored in one step, against fabric8's mock server. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(ClusterProfile.class)
class EnvironmentRollbackTest {
    static final String FAST = "{steps: [10, 100], interval: 0s}";

    @KubernetesTestServer
    KubernetesServer server;

    ClusterSimulation cluster;

    @BeforeEach
    void simulation() {
        cluster = new ClusterSimulation(server.getClient(), "http://127.0.0.1:9");
    }

    @Test
    void aRollbackRestoresTheVerifiedReleaseBeforeTheOneInForceAndMarksThatOneRolledBack() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("restore");
            String first = verifiedFirstRelease(cluster, repo, env, FAST);
            String second = verifiedCanary(cluster, repo, env, "ghcr.io/acme/hello:2");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-2=100");

            postRollback(env, null, "ana", "p99 latency doubled").then().statusCode(204);

            Release restoring = release(env + "-3");
            assertThat(restoring.kind).isEqualTo(Release.Kind.ROLLBACK);
            assertThat(restoring.restores).isEqualTo(first);
            assertThat(restoring.runId).isNull();
            assertThat(restoring.requestedBy).isEqualTo("ana");
            assertThat(restoring.outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(restoring.sha).isEqualTo(release(first).sha);
            assertThat(restoring.reason).startsWith("restored release " + first + " (commit " + release(first).sha.substring(0, 12)
                    + ") on request of ana: p99 latency doubled; applied 0 objects; all traffic of hello to hello-" + env + "-1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
            Release rolledBack = release(second);
            assertThat(rolledBack.outcome).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(rolledBack.rolledBackAt).isNotNull();
            assertThat(rolledBack.reason).startsWith("rolled back on request of ana: p99 latency doubled: release " + env
                    + "-3 restored " + first);
            assertThat(release(first).outcome).isEqualTo(Outcome.VERIFIED);

            // The rolled-back commit does not come back on its own; a newer one canaries from the restored revision.
            Response again = postRequested(UUID.randomUUID(), repo.url(), env, env, rolledBack.sha, "canary", false);
            assertThat(tree(again.asString()).path("outcome").asText()).isEqualTo("FAILED");
            String v3 = repo.commit("hello 3", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:3")));
            JsonNode next = tree(postRequested(UUID.randomUUID(), repo.url(), env, env, v3, "canary", false).asString());
            assertThat(next.path("releaseId").asText()).isEqualTo(env + "-4");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100", "hello-" + env + "-4=0@canary");
        }
    }

    @Test
    void aRollbackDuringACanaryAbortsItAndRepliesRolledBackForItsRun() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("abort");
            String first = verifiedFirstRelease(cluster, repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String second = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            cluster.knativeReady(env, "hello");
            assertThat(tree(postCheck(run, 1, second).asString()).path("trafficPercent").asInt()).isEqualTo(10);

            Response reply = postRollback(env, null, "oncall", null);

            reply.then().statusCode(200)
                    .header("ce-type", EventTypes.DEPLOYMENT_COMPLETED)
                    .header("ce-source", "/sluice/deploy")
                    .header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("releaseId").asText()).isEqualTo(second);
            assertThat(data.path("reason").asText()).isEqualTo("rolled back on request of oncall: release " + env + "-3 restored "
                    + first + " while it was rolling out at 10%");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-1=100");
            assertThat(release(first).outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(release(env + "-3").restores).isEqualTo(first);
            // route's next tick still checks the run's release: it hears the same outcome.
            assertThat(tree(postCheck(run, 1, second).asString()).path("outcome").asText()).isEqualTo("ROLLED_BACK");
        }
    }

    @Test
    void aRevisionKnativeHasDeletedIsBuiltAgainUnderTheRollbacksName() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("rebuilt");
            String first = verifiedFirstRelease(cluster, repo, env, FAST);
            verifiedCanary(cluster, repo, env, "ghcr.io/acme/hello:2");
            cluster.deleteRevision(env, "hello-" + env + "-1");

            postRollback(env, first, "ana", null).then().statusCode(204);

            var live = cluster.service(env, "hello");
            assertThat(live.getSpec().getTemplate().getMetadata().getName()).isEqualTo("hello-" + env + "-3");
            assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/acme/hello:1");
            assertThat(cluster.traffic(env, "hello")).containsExactly("hello-" + env + "-3=100");
            assertThat(release(env + "-3").reason).contains("hello to hello-" + env + "-3 (built again: hello-" + env + "-1 is gone)");
        }
    }

    @Test
    void withPruneOnARollbackDeletesWhatTheRestoredReleaseLacksAndKeepsTheRest() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("pruneback");
            String v1 = repo.commit("a", Map.of(".sluice.yaml", ClusterProfile.sluiceYaml(env, "direct", null, true),
                    "k8s/a.yaml", ClusterProfile.configMap("a", "1")));
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString()).path("releaseId").asText();
            assertThat(tree(postCheck(run1, 1, first).asString()).path("outcome").asText()).isEqualTo("VERIFIED");
            String v2 = repo.commit("a and b", Map.of("k8s/a.yaml", ClusterProfile.configMap("a", "2"), "k8s/b.yaml",
                    ClusterProfile.configMap("b", "1")));
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();
            assertThat(tree(postCheck(run2, 1, second).asString()).path("outcome").asText()).isEqualTo("VERIFIED");
            var configMaps = server.getClient().configMaps().inNamespace(env);
            assertThat(configMaps.withName("b").get()).isNotNull();

            postRollback(env, null, "ana", "b broke checkout").then().statusCode(204);

            assertThat(configMaps.withName("b").get()).as("b is not in the restored release").isNull();
            assertThat(configMaps.withName("a").get().getData()).containsEntry("value", "1");
            Release restoring = release(env + "-3");
            assertThat(restoring.restores).isEqualTo(first);
            assertThat(restoring.reason).endsWith("applied 1 object; pruned [ConfigMap b]");
            assertThat(tree(restoring.pruned)).extracting(p -> p.path("kind").asText() + " " + p.path("name").asText())
                    .containsExactly("ConfigMap b");
            assertThat(release(second).outcome).isEqualTo(Outcome.ROLLED_BACK);
        }
    }

    @Test
    void rollbacksThatCannotSucceedAreRefusedWith400NamingTheProblem() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("refuse");
            verifiedFirstRelease(cluster, repo, env, FAST);
            String v2 = repo.commit("hello 2", Map.of("k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:2")));
            UUID run = UUID.randomUUID();
            String second = tree(postRequested(run, repo.url(), env, env, v2, "canary", false).asString()).path("releaseId").asText();
            cluster.revision(env, "hello-" + env + "-2", "False", "ExitCode1", "boom");
            postCheck(run, 1, second).then().statusCode(200);

            postRollback(env, second, "ana", null).then().statusCode(400)
                    .body("error", equalTo("release " + second + " was never verified (ROLLED_BACK): only a verified release can be restored"));
            postRollback(env, "elsewhere-1", "ana", null).then().statusCode(400)
                    .body("error", equalTo("environment " + env + " of project " + dev.sluice.settings.Projects.ofRepository(repo.url())
                            + " has no release elsewhere-1"));
            postRollback(env, null, "ana", null).then().statusCode(400)
                    .body("error", equalTo("environment " + env + " has no verified release before " + env
                            + "-1 with another commit to roll back to"));
            postRollback("nowhere-" + UUID.randomUUID(), null, "ana", null).then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.endsWith("has no verified release to roll back to"));
            DeploymentEvents.post(EventTypes.ENVIRONMENT_ROLLBACK, UUID.randomUUID().toString(), null, "{\"by\":\"ana\"}")
                    .then().statusCode(400)
                    .body("error", equalTo("data of dev.sluice.environment.rollback is missing 'environment'"));
            assertThat(ledger(env)).hasSize(2);
        }
    }
}
