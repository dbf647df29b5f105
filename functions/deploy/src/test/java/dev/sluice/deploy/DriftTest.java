package dev.sluice.deploy;

import static dev.sluice.deploy.ClusterProfile.deployment;
import static dev.sluice.deploy.ClusterProfile.knativeService;
import static dev.sluice.deploy.ClusterProfile.sluiceYaml;
import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.postCheck;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.release;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.EnvVar;
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
 * Drift against fabric8's mock server: the test changes applied objects behind Sluice's back and posts route's drift checks, as
 * route does on each tick. The mock keeps no managedFields, so every field the release set is compared ({@link ObjectDriftTest}
 * covers managedFields).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@WithKubernetesTestServer
@TestProfile(ClusterProfile.class)
class DriftTest {
    @KubernetesTestServer
    KubernetesServer server;

    ClusterSimulation cluster;

    @BeforeEach
    void simulation() {
        cluster = new ClusterSimulation(server.getClient(), "http://127.0.0.1:9");
    }

    static final String WORKER = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: worker
            spec:
              replicas: 2
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers:
                    - name: worker
                      image: ghcr.io/acme/worker:1
                      env:
                        - {name: MODE, value: fast}
            """;

    @Test
    void aChangedReplicaCountImageAndEnvVarAreRecordedWithTheirPathsAndClearedWhenGoneWhileOtherFieldsNeverCount() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("drift");
            String releaseId = verified(repo, env, false);
            tick();
            Release clean = release(releaseId);
            assertThat(clean.driftCheckedAt).isNotNull();
            assertThat(clean.driftList()).isEmpty();

            // Someone else's annotation, and the status: fields Sluice does not manage.
            server.getClient().apps().deployments().inNamespace(env).withName("worker").edit(d -> {
                d.getMetadata().getAnnotations().put("example.com/owner", "ops");
                return d;
            });
            cluster.deploymentStatus(env, "worker", 0, 3, 3, 3, 3);
            tick();
            assertThat(release(releaseId).driftList()).isEmpty();

            server.getClient().apps().deployments().inNamespace(env).withName("worker").edit(d -> {
                d.getSpec().setReplicas(5);
                d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("ghcr.io/acme/worker:hotfix");
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().set(0, new EnvVar("MODE", "slow", null));
                return d;
            });
            tick();
            var drift = release(releaseId).driftList();
            assertThat(drift).hasSize(1);
            assertThat(drift.get(0).kind()).isEqualTo("Deployment");
            assertThat(drift.get(0).namespace()).isEqualTo(env);
            assertThat(drift.get(0).name()).isEqualTo("worker");
            assertThat(drift.get(0).paths()).containsExactly("/spec/replicas", "/spec/template/spec/containers/0/image",
                    "/spec/template/spec/containers/0/env/0/value");
            assertThat(drift.get(0).firstSeen()).isNotNull();
            assertThat(release(releaseId).healList()).isEmpty(); // no selfHeal: it stays as it is
            assertThat(server.getClient().apps().deployments().inNamespace(env).withName("worker").get().getSpec().getReplicas()).isEqualTo(5);

            tick();
            var again = release(releaseId).driftList();
            assertThat(again.get(0).firstSeen()).isEqualTo(drift.get(0).firstSeen());
            assertThat(again.get(0).lastSeen()).isAfterOrEqualTo(drift.get(0).lastSeen());

            server.getClient().apps().deployments().inNamespace(env).withName("worker").edit(d -> {
                d.getSpec().setReplicas(2);
                d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("ghcr.io/acme/worker:1");
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().set(0, new EnvVar("MODE", "fast", null));
                return d;
            });
            tick();
            assertThat(release(releaseId).driftList()).isEmpty();

            server.getClient().configMaps().inNamespace(env).withName("settings").delete();
            tick();
            assertThat(release(releaseId).driftList()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo("ConfigMap");
                assertThat(d.missing()).isTrue();
            });
        }
    }

    @Test
    void selfHealAppliesTheReleaseAgainAndRecordsWhy() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("heal");
            String releaseId = verified(repo, env, true);
            String revision = "hello-" + env + "-1";
            assertThat(cluster.traffic(env, "hello")).containsExactly(revision + "=100");

            server.getClient().apps().deployments().inNamespace(env).withName("worker").edit(d -> {
                d.getSpec().setReplicas(7);
                return d;
            });
            cluster.knative().services().inNamespace(env).withName("hello").edit(s -> {
                s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("ghcr.io/acme/hello:evil");
                return s;
            });
            tick();

            assertThat(server.getClient().apps().deployments().inNamespace(env).withName("worker").get().getSpec().getReplicas()).isEqualTo(2);
            var hello = cluster.service(env, "hello");
            assertThat(hello.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/acme/hello:1");
            assertThat(hello.getSpec().getTemplate().getMetadata().getName()).isEqualTo(revision);
            assertThat(cluster.traffic(env, "hello")).containsExactly(revision + "=100");
            Release healed = release(releaseId);
            assertThat(healed.driftList()).isEmpty();
            assertThat(healed.healList()).singleElement().satisfies(h -> {
                assertThat(h.reason()).startsWith("selfHeal: drift from release " + releaseId + ": ")
                        .contains("Deployment " + env + "/worker /spec/replicas")
                        .contains("Service " + env + "/hello /spec/template/spec/containers/0/image")
                        .contains("; applied again: ");
                assertThat(h.objects()).containsExactlyInAnyOrder("Deployment " + env + "/worker", "Service " + env + "/hello");
                assertThat(h.error()).isNull();
            });

            tick();
            assertThat(release(releaseId).healList()).hasSize(1); // nothing drifted: nothing applied again
        }
    }

    /** Releases a ConfigMap, the Deployment worker and the Knative Service hello (new: no canary) and verifies them. */
    private String verified(TestRepository repo, String env, boolean selfHeal) {
        String yaml = sluiceYaml(env, "canary", "{steps: [100], interval: 0s}", false) + (selfHeal ? "    selfHeal: true\n" : "");
        String sha = repo.commit("v1", Map.of(".sluice.yaml", yaml, "k8s/worker.yaml", WORKER,
                "k8s/settings.yaml", ClusterProfile.configMap("settings", "a"),
                "k8s/hello.yaml", knativeService("hello", "ghcr.io/acme/hello:1")));
        UUID run = UUID.randomUUID();
        String releaseId = tree(postRequested(run, repo.url(), env, env, sha, "canary", false).asString()).path("releaseId").asText();
        cluster.knativeReady(env, "hello");
        cluster.rolledOut(env, "worker");
        JsonNode done = tree(postCheck(run, 1, releaseId).asString());
        assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("VERIFIED");
        return releaseId;
    }

    /** route's tick passed on to deploy (signed, as route's outbox sends it); deploy replies nothing. */
    private static void tick() {
        Events.postSigned("/", EventTypes.DRIFT_CHECK, UUID.randomUUID().toString(), "/sluice/route", null,
                "{\"tick\":\"" + java.time.Instant.now() + "\"}").then().statusCode(204);
    }
}
