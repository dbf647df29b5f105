package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.configMap;
import static dev.sluice.deploy.ClusterProfile.deployment;
import static dev.sluice.deploy.ClusterProfile.sluiceYaml;
import static dev.sluice.deploy.ClusterProfile.statefulSet;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
    void inASharedNamespacePruningLeavesAnObjectAnotherProjectAppliedSinceAndNeverPrunesTheOthersObjects() {
        try (TestRepository a = TestRepository.create(); TestRepository b = TestRepository.create()) {
            String env = environment("shared");
            String shared = sluiceYaml(env, "direct", null, true) + "    shared: true\n";
            String a1 = a.commit("a", Map.of(".sluice.yaml", shared, "k8s/a.yaml", configMap("a", "1"), "k8s/x.yaml", configMap("x", "a")));
            UUID runA1 = UUID.randomUUID();
            postCheck(runA1, 1, tree(postRequested(runA1, a.url(), env, env, a1, "direct", false).asString()).path("releaseId").asText())
                    .then().statusCode(200);
            // b deploys to the same namespace, taking x over and adding its own object
            String b1 = b.commit("b", Map.of(".sluice.yaml", shared, "k8s/x.yaml", configMap("x", "b"), "k8s/b.yaml", configMap("b", "1")));
            UUID runB1 = UUID.randomUUID();
            JsonNode bReply = tree(postRequested(runB1, b.url(), env, env, b1, "direct", false).asString());
            postCheck(runB1, 1, bReply.path("releaseId").asText()).then().statusCode(200);
            assertThat(client.configMaps().inNamespace(env).withName("x").get().getMetadata().getAnnotations())
                    .containsEntry("sluice.dev/project", dev.sluice.settings.Projects.ofRepository(b.url()));

            // a drops x: x is b's now and stays; b's own object was never a's to prune
            Map<String, String> drop = new HashMap<>();
            drop.put("k8s/x.yaml", null);
            String a2 = a.commit("a drops x", drop);
            UUID runA2 = UUID.randomUUID();
            String second = tree(postRequested(runA2, a.url(), env, env, a2, "direct", false).asString()).path("releaseId").asText();
            JsonNode data = tree(postCheck(runA2, 1, second).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(client.configMaps().inNamespace(env).withName("x").get()).isNotNull();
            assertThat(client.configMaps().inNamespace(env).withName("x").get().getData()).containsEntry("value", "b");
            assertThat(client.configMaps().inNamespace(env).withName("b").get()).isNotNull();
            assertThat(client.configMaps().inNamespace(env).withName("a").get()).isNotNull();
            assertThat(release(second).pruned).isEqualTo("[]");
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
    void aPruneTheClusterRefusesIsRecordedWithItsAnswerAndTheReleaseIsVerifiedAnyway() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("forbidden");
            String v1 = repo.commit("three", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, true),
                    "k8s/a.yaml", configMap("a", "1"), "k8s/b.yaml", configMap("b", "1"), "k8s/c.yaml", configMap("c", "1")));
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString()).path("releaseId").asText();
            postCheck(run1, 1, first).then().statusCode(200);
            Map<String, String> drop = new HashMap<>();
            drop.put("k8s/b.yaml", null);
            drop.put("k8s/c.yaml", null);
            String v2 = repo.commit("only a", drop);
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();
            // RBAC without delete on b (say): the API server answers 403.
            server.expect().delete().withPath("/api/v1/namespaces/" + env + "/configmaps/b")
                    .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
                            .withMessage("configmaps \"b\" is forbidden: User \"system:serviceaccount:sluice:sluice-deploy\" "
                                    + "cannot delete resource \"configmaps\"").build())
                    .once();

            Response reply = postCheck(run2, 1, second);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run2.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("VERIFIED");
            String refusal = "403 configmaps \"b\" is forbidden: User \"system:serviceaccount:sluice:sluice-deploy\" cannot delete "
                    + "resource \"configmaps\"";
            assertThat(data.path("reason").asText()).contains("pruned [ConfigMap c]; pruning failed, left in place: ConfigMap b: " + refusal);
            assertThat(client.configMaps().inNamespace(env).withName("b").get()).isNotNull();
            assertThat(client.configMaps().inNamespace(env).withName("c").get()).isNull();
            Release ledger = release(second);
            assertThat(ledger.outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(ledger.health).startsWith("verified: ").endsWith("pruning failed, left in place: ConfigMap b: " + refusal);
            JsonNode pruned = report(run2).path("pruned");
            assertThat(pruned).extracting(p -> p.path("name").asText() + " " + p.path("error").asText("deleted"))
                    .containsExactlyInAnyOrder("b " + refusal, "c deleted");
            assertThat(tree(ledger.pruned)).hasSize(2);
        }
    }

    @Test
    void aRollbackThatCannotReadThePreviousCommitKeepsTheReleaseRollingBackAndFinishesAtALaterCheck() throws IOException {
        try (TestRepository old = TestRepository.create(); TestRepository repo = TestRepository.create()) {
            String env = environment("gitgone");
            // The verified release deploy would re-apply came from a repository deploy has no copy of any more (its
            // cache went with the pod that scaled to zero): only the ledger row is left. The two repositories name one
            // project (the repository moved), so the release of the other is the environment's.
            Map<String, String> v1Files = Map.of(".sluice.yaml", "project: " + env + "\n" + sluiceYaml(env, "rolling", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1"), "k8s/config.yaml", configMap("worker-config", "one"));
            String v1 = old.commit("worker 1", v1Files);
            String first = verifiedLedgerRow(env, env, v1, old.url());
            Map<String, String> v2Files = new HashMap<>(v1Files);
            v2Files.put("k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:2"));
            v2Files.put("k8s/config.yaml", configMap("worker-config", "two"));
            String v2 = repo.commit("worker 2", v2Files);
            UUID run = UUID.randomUUID();
            String second = tree(postRequested(run, repo.url(), env, env, v2, "rolling", false).asString()).path("releaseId").asText();
            assertThat(release(second).previousId).isEqualTo(first);
            Path gone = old.dir().resolveSibling(old.dir().getFileName() + "-gone");
            Files.move(old.dir(), gone);

            cluster.progressDeadlineExceeded(env, "worker");
            postCheck(run, 1, second).then().statusCode(204);

            Release rolling = release(second);
            assertThat(rolling.inProgress()).isTrue();
            assertThat(rolling.reason).startsWith("health gate failed during the rolling rollout: Deployment " + env + "/worker stopped progressing");
            assertThat(rolling.health).startsWith("rolling back; cannot re-apply release " + first + " yet: cannot fetch " + old.url())
                    .endsWith("; trying again at the next check");
            // The gate reading healthy now does not resume the failed rollout.
            cluster.rolledOut(env, "worker");
            postCheck(run, 1, second).then().statusCode(204);
            assertThat(release(second).inProgress()).isTrue();

            Files.move(gone, old.dir());
            Response reply = postCheck(run, 1, second);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", run.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(data.path("reason").asText()).startsWith("health gate failed during the rolling rollout: Deployment " + env
                    + "/worker stopped progressing: ProgressDeadlineExceeded").endsWith("; re-applied release " + first + " (2 objects)");
            assertThat(cluster.deployment(env, "worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("ghcr.io/acme/worker:1");
            assertThat(client.configMaps().inNamespace(env).withName("worker-config").get().getData()).containsEntry("value", "one");
        }
    }

    @Test
    void aRollingReleaseWaitsWhileTheControllerIsBehindOrReplicasArePartlyUpdatedThenVerifies() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("partial");
            String v1 = repo.commit("worker 1", Map.of(".sluice.yaml", sluiceYaml(env, "rolling", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v1, "rolling", false).asString()).path("releaseId").asText();
            assertThat(cluster.deployment(env, "worker").getMetadata().getGeneration()).isNotNull();

            cluster.deploymentStatus(env, "worker", 1, 2, 2, 2, 2);
            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).health).isEqualTo("waiting: Deployment " + env + "/worker: the controller has not seen the new spec yet");

            cluster.deploymentStatus(env, "worker", 0, 3, 1, 2, 2);
            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).health)
                    .isEqualTo("waiting: Deployment " + env + "/worker: 1/2 updated, 2 ready, 2 available, 1 old still running");

            cluster.deploymentStatus(env, "worker", 0, 2, 2, 2, 1);
            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).health).isEqualTo("waiting: Deployment " + env + "/worker: 2/2 updated, 2 ready, 1 available");

            cluster.deploymentStatus(env, "worker", 0, 2, 2, 2, 2);
            JsonNode done = tree(postCheck(run, 1, releaseId).asString());

            assertThat(done.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(done.path("reason").asText())
                    .isEqualTo("verified: healthy: Deployment " + env + "/worker rolled out (2/2 updated, ready and available)");
        }
    }

    @Test
    void aStatefulSetReleaseWaitsUntilItsUpdateRevisionIsCurrentThenVerifies() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("stateful");
            String v1 = repo.commit("db", Map.of(".sluice.yaml", sluiceYaml(env, "rolling", null, false),
                    "k8s/db.yaml", statefulSet("db", "postgres:16")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v1, "rolling", false).asString()).path("releaseId").asText();
            assertThat(cluster.statefulSet(env, "db").getMetadata().getLabels()).containsEntry("sluice.dev/release", releaseId);

            cluster.statefulSetStatus(env, "db", 1, 2, "db-5d4", "db-7f8");
            postCheck(run, 1, releaseId).then().statusCode(204);
            assertThat(release(releaseId).health)
                    .isEqualTo("waiting: StatefulSet " + env + "/db: 1/2 updated, 2 ready, revision db-7f8 still rolling out");

            cluster.statefulSetStatus(env, "db", 2, 2, "db-5d4", "db-7f8");
            postCheck(run, 1, releaseId).then().statusCode(204);

            cluster.statefulSetStatus(env, "db", 2, 2, "db-7f8", "db-7f8");
            JsonNode done = tree(postCheck(run, 1, releaseId).asString());

            assertThat(done.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(done.path("reason").asText()).isEqualTo("verified: healthy: StatefulSet " + env + "/db rolled out (2/2 updated and ready)");
        }
    }

    @Test
    void aRolloutStillNotReadyAfterSluicesProgressDeadlineFailsTheGate() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("deadline");
            String v1 = repo.commit("worker 1", Map.of(".sluice.yaml", sluiceYaml(env, "rolling", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1")));
            UUID run = UUID.randomUUID();
            String releaseId = tree(postRequested(run, repo.url(), env, env, v1, "rolling", false).asString()).path("releaseId").asText();
            cluster.deploymentStatus(env, "worker", 0, 2, 1, 1, 1);
            postCheck(run, 1, releaseId).then().statusCode(204);

            // sluice.deploy.progress-deadline is 10m: the last step was 11 minutes ago.
            QuarkusTransaction.requiringNew().run(() -> Release.update("lastStepAt = ?1 where id = ?2",
                    Instant.now().minus(Duration.ofMinutes(11)), releaseId));
            JsonNode data = tree(postCheck(run, 1, releaseId).asString());

            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).isEqualTo("health gate failed during the rolling rollout: not ready within 600s; "
                    + "Deployment " + env + "/worker: 1/2 updated, 1 ready, 1 available; no verified release to roll back to");
        }
    }

    @Test
    void aDirectReleaseOfADeploymentIsVerifiedWhenItIsReadyAtTheFirstCheckAndFailedWhenNot() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("directapp");
            String v1 = repo.commit("worker 1", Map.of(".sluice.yaml", sluiceYaml(env, "direct", null, false),
                    "k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:1")));
            UUID run1 = UUID.randomUUID();
            String first = tree(postRequested(run1, repo.url(), env, env, v1, "direct", false).asString()).path("releaseId").asText();
            cluster.rolledOut(env, "worker");

            JsonNode verified = tree(postCheck(run1, 1, first).asString());

            assertThat(verified.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(verified.path("reason").asText())
                    .isEqualTo("verified: healthy: Deployment " + env + "/worker rolled out (2/2 updated, ready and available)");

            String v2 = repo.commit("worker 2", Map.of("k8s/worker.yaml", deployment("worker", "ghcr.io/acme/worker:2")));
            UUID run2 = UUID.randomUUID();
            String second = tree(postRequested(run2, repo.url(), env, env, v2, "direct", false).asString()).path("releaseId").asText();
            cluster.deploymentStatus(env, "worker", 0, 3, 1, 2, 2);

            JsonNode failed = tree(postCheck(run2, 1, second).asString());

            assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(failed.path("reason").asText()).isEqualTo("not ready at the first check (direct: readiness is read once, "
                    + "nothing is rolled back): waiting: Deployment " + env + "/worker: 1/2 updated, 2 ready, 2 available, 1 old still running");
            assertThat(cluster.deployment(env, "worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .as("direct rolls nothing back").isEqualTo("ghcr.io/acme/worker:2");
        }
    }

    /** A verified cluster release written to the ledger as deploy writes it, whose objects were never applied here. */
    private static String verifiedLedgerRow(String project, String env, String sha, String repositoryUrl) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Release.lockEnvironment(env);
            Release r = Release.begin(project, env, env, UUID.randomUUID(), 1, sha,
                    repositoryUrl, "rolling", DeployMode.CLUSTER, Instant.now());
            r.settings = LedgerJson.write(new RolloutSettings("rolling", List.of(10, 25, 50, 75, 100), "1m", null, null, 0, false,
                    List.of("k8s/")));
            r.objects = "[]";
            r.revisions = "[]";
            r.plan = LedgerJson.write(new ReleasePlan(null, new ReleasePlan.Counts(0, 0, 0, 0, 0), List.of(), List.of(), List.of()));
            r.recordStep(0, 100, Instant.now(), "applied");
            r.finish(Outcome.VERIFIED, "verified", Instant.now());
            r.persist();
            return r.id;
        });
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
