package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.configMap;
import static dev.sluice.deploy.ClusterProfile.deployment;
import static dev.sluice.deploy.ClusterProfile.sluiceYaml;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * Rolling and direct releases, pruning and the cluster-scoped allowlist in cluster mode, against fabric8's mock
 * server (the tests write the Deployment controller's status).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(ClusterProfile.class)
class RolloutStrategiesTest {
    @KubernetesTestServer
    KubernetesServer server;

    ClusterSimulation cluster;
    KubernetesClient client;

    @BeforeEach
    void simulation() {
        client = server.getClient();
        cluster = new ClusterSimulation(client, null);
    }

    @Test
    void aRollingReleaseIsVerifiedOnlyOnceItsDeploymentHasRolledOut() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("rolling");
            String v1 = repo.commit("worker 1", Map.of(".sluice.yaml", sluiceYaml(env, "rolling", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1")));
            UUID run = UUID.randomUUID();

            Response started = postRequested(run, repo.url(), env, env, v1, "rolling", false);

            started.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_PROGRESSED).header("ce-subject", run.toString());
            JsonNode data = tree(started.asString());
            assertThat(data.path("health").asText()).isEqualTo("applied 1 object; waiting for the rollout");
            String releaseId = data.path("releaseId").asText();
            assertThat(cluster.deployment(env, "worker").getMetadata().getLabels()).containsEntry("sluice.dev/release", releaseId);

            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).health).isEqualTo("waiting: Deployment " + env + "/worker: the controller has not seen the new spec yet");

            cluster.rolledOut(env, "worker");
            Response done = postCheck(run, 1, releaseId);

            done.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            JsonNode completed = tree(done.asString());
            assertThat(completed.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(completed.path("reason").asText())
                    .isEqualTo("verified: healthy: Deployment " + env + "/worker rolled out (2/2 updated, ready and available)");
        }
    }

    @Test
    void aRollingReleaseThatStopsProgressingReappliesTheLastVerifiedRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("stuck");
            Map<String, String> files = new HashMap<>(Map.of(".sluice.yaml", sluiceYaml(env, "rolling", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1"),
                    "k8s/config.yaml", configMap("worker-config", "one")));
            String v1 = repo.commit("worker 1", files);
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "rolling", false).asString()).path("releaseId").asText();
            cluster.rolledOut(env, "worker");
            assertThat(tree(postCheck(run1, 1, first).asString()).path("outcome").asText()).isEqualTo("VERIFIED");

            String v2 = repo.commit("worker 2", Map.of("k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:2"),
                    "k8s/config.yaml", configMap("worker-config", "two")));
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "rolling", false).asString()).path("releaseId").asText();
            assertThat(cluster.deployment(env, "worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("ghcr.io/acme/worker:2");
            JsonNode planned = report(run2).path("objects");
            assertThat(planned).extracting(o -> o.path("kind").asText() + " " + o.path("action").asText() + " "
                    + o.path("changedPaths").toString())
                    .containsExactly("ConfigMap CHANGE [\"/data/value\"]",
                            "Deployment CHANGE [\"/spec/template/spec/containers/0/image\"]");

            cluster.progressDeadlineExceeded(env, "worker");
            Response reply = postCheck(run2, 1, second);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run2.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).isEqualTo("health gate failed during the rolling rollout: Deployment " + env
                    + "/worker stopped progressing: ProgressDeadlineExceeded (ReplicaSet \"worker-7d9f\" has timed out progressing.); "
                    + "re-applied release " + first + " (2 objects)");
            var worker = cluster.deployment(env, "worker");
            assertThat(worker.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/acme/worker:1");
            assertThat(worker.getMetadata().getLabels()).containsEntry("sluice.dev/release", first).containsEntry("sluice.dev/run", run1.toString());
            ConfigMap config = client.configMaps().inNamespace(env).withName("worker-config").get();
            assertThat(config.getData()).containsEntry("value", "one");
            assertThat(release(second).outcome).isEqualTo(Outcome.ROLLED_BACK);
        }
    }

    @Test
    void aDirectReleaseReadsReadinessOnceAndFailsWithoutRollingBackWhenNotReady() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("direct");
            String v1 = repo.commit("config", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/config.yaml", configMap("settings", "one")));
            UUID run1 = UUID.randomUUID();
            JsonNode started = tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString());
            assertThat(started.path("health").asText()).isEqualTo("applied 1 object; readiness is verified once, at the next check");
            assertThat(tree(postCheck(run1, 1, started.path("releaseId").asText()).asString()).path("outcome").asText())
                    .isEqualTo("VERIFIED");

            String v2 = repo.commit("worker", Map.of("k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1")));
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();

            JsonNode data = tree(postCheck(run2, 1, second).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).isEqualTo("not ready at the first check (direct: readiness is read once, "
                    + "nothing is rolled back): waiting: Deployment " + env + "/worker: the controller has not seen the new spec yet");
            assertThat(cluster.deployment(env, "worker")).as("direct leaves what it applied").isNotNull();
        }
    }

    @Test
    void objectsTheNewReleaseDroppedArePrunedOnceItIsVerifiedUnlessSomeoneElseTookThemOver() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("prune");
            String v1 = repo.commit("three", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, true),
                    "k8s/a.yaml", configMap("a", "1"), "k8s/b.yaml", configMap("b", "1"), "k8s/c.yaml", configMap("c", "1")));
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString()).path("releaseId").asText();
            postCheck(run1, 1, first).then().statusCode(200);
            // Someone took c over: it no longer carries Sluice's label.
            client.configMaps().inNamespace(env).withName("c").edit(cm -> {
                cm.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");
                return cm;
            });

            Map<String, String> drop = new HashMap<>();
            drop.put("k8s/b.yaml", null);
            drop.put("k8s/c.yaml", null);
            String v2 = repo.commit("only a", drop);
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();
            assertThat(client.configMaps().inNamespace(env).withName("b").get()).as("nothing is pruned before verification").isNotNull();

            JsonNode data = tree(postCheck(run2, 1, second).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(data.path("reason").asText()).contains("pruned [ConfigMap b]");
            assertThat(client.configMaps().inNamespace(env).withName("b").get()).isNull();
            assertThat(client.configMaps().inNamespace(env).withName("c").get()).isNotNull();
            assertThat(client.configMaps().inNamespace(env).withName("a").get()).isNotNull();
            assertThat(release(second).pruned).contains("\"name\":\"b\"").doesNotContain("\"name\":\"c\"");
            assertThat(report(run2).path("pruned")).hasSize(1);
        }
    }

    @Test
    void withoutPruneDroppedObjectsStay() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("keep");
            String v1 = repo.commit("two", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/a.yaml", configMap("a", "1"), "k8s/b.yaml", configMap("b", "1")));
            UUID run1 = UUID.randomUUID();
            postCheck(run1, 1, tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString()).path("releaseId").asText());
            Map<String, String> drop = new HashMap<>();
            drop.put("k8s/b.yaml", null);
            String v2 = repo.commit("only a", drop);
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();

            assertThat(tree(postCheck(run2, 1, second).asString()).path("outcome").asText()).isEqualTo("VERIFIED");

            assertThat(client.configMaps().inNamespace(env).withName("b").get()).isNotNull();
            assertThat(report(run2).path("wouldPrune")).hasSize(1);
        }
    }

    @Test
    void aReleaseWithClusterScopedObjectsOutsideTheAllowlistIsRefusedBeforeAnythingIsApplied() {
        String clusterRole = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: reader}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                """;
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("scoped");
            String sha = repo.commit("role", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/config.yaml", configMap("settings", "1"), "k8s/role.yaml", clusterRole));
            UUID run = UUID.randomUUID();

            Response reply = postRequested(run, repo.url(), env, env, sha, "direct", false);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).isEqualTo("refused before anything was applied: cluster-scoped ClusterRole "
                    + "reader is not in sluice.deploy.cluster-scoped-allowlist");
            assertThat(client.configMaps().inNamespace(env).withName("settings").get()).isNull();
            assertThat(client.rbac().clusterRoles().withName("reader").get()).isNull();
            assertThat(ledger(env)).singleElement().satisfies(r -> assertThat(r.outcome).isEqualTo(Outcome.FAILED));
            assertThat(report(run).path("applied").asBoolean(true)).isFalse();
        }
    }

    @Test
    void aReleaseWithAnObjectForAnotherNamespaceIsRefusedBeforeAnythingIsApplied() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("foreign");
            String sha = repo.commit("elsewhere", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/config.yaml", configMap("settings", "1"),
                    "k8s/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: billing}\n"));
            UUID run = UUID.randomUUID();

            Response reply = postRequested(run, repo.url(), env, env, sha, "direct", false);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).isEqualTo("refused before anything was applied: ConfigMap billing/other "
                    + "(k8s/other.yaml:1) names namespace billing, not the environment's namespace " + env);
            assertThat(client.configMaps().inNamespace(env).withName("settings").get()).isNull();
            assertThat(client.configMaps().inNamespace("billing").withName("other").get()).isNull();
            assertThat(report(run).path("applied").asBoolean(true)).isFalse();
        }
    }

    @Test
    void anAllowlistedClusterScopedKindIsAppliedFirst() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("allowed");
            String sha = repo.commit("namespace", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/config.yaml", configMap("settings", "1"),
                    "k8s/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + env + "}\n"));
            UUID run = UUID.randomUUID();

            JsonNode data = tree(postRequested(run, repo.url(), env, env, sha, "direct", false).asString());

            assertThat(data.path("health").asText()).startsWith("applied 2 objects");
            assertThat(client.namespaces().withName(env).get().getMetadata().getLabels())
                    .containsEntry("sluice.dev/release", data.path("releaseId").asText());
            assertThat(report(run).path("objects")).extracting(o -> o.path("kind").asText()).containsExactly("Namespace", "ConfigMap");
        }
    }
}
