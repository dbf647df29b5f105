package dev.sluice.deploy;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** deploy in plan mode (the default): releases are rendered, ordered, diffed and recorded, never applied. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PlanModeTest {
    /** The namespace of this test: a namespace belongs to the first project (test repository) that deploys there. */
    private final String shop = environment("shop");

    static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: worker
              labels: {app: worker}
            spec:
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers:
                    - name: worker
                      image: ghcr.io/acme/worker:1.0
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: worker}
            spec:
              selector: {app: worker}
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: fast}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: worker-reads}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shop-reader}
            subjects: [{kind: ServiceAccount, name: worker}]
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: worker}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: shop-reader}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop-extra}
            """;

    static final String KNATIVE = """
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: on-order}
            spec:
              broker: default
              subscriber:
                ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: shop}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: shop}
            spec:
              template:
                spec:
                  containers:
                    - image: ghcr.io/acme/shop:1.0
            """;

    @Test
    void firstDeploymentPlansEveryObjectAsCreatedInDependencyOrderWithNamespaceFilledAndSluiceLabels() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("app", Map.of("k8s/app.yaml", APP, "knative/shop.yaml", KNATIVE));
            String env = environment("production");
            UUID runId = UUID.randomUUID();

            Response reply = postRequested(runId, repo.url(), env, shop, sha);

            reply.then().statusCode(200)
                    .header("ce-type", EventTypes.DEPLOYMENT_COMPLETED)
                    .header("ce-source", "/sluice/deploy")
                    .header("ce-subject", runId.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("runId").asText()).isEqualTo(runId.toString());
            assertThat(data.path("attempt").asInt()).isEqualTo(1);
            assertThat(data.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(data.path("releaseId").asText()).isEqualTo(env + "-1");
            assertThat(data.path("reason").asText())
                    .isEqualTo("plan mode: 9 to create, 0 to change, 0 unchanged (no cluster configured)");

            JsonNode report = report(runId);
            assertThat(report.path("mode").asText()).isEqualTo("plan");
            assertThat(report.path("applied").asBoolean(true)).isFalse();
            assertThat(report.path("environment").asText()).isEqualTo(env);
            assertThat(report.path("namespace").asText()).isEqualTo(shop);
            assertThat(report.path("strategy").asText()).isEqualTo("canary");
            assertThat(report.path("previousReleaseId").isNull()).isTrue();
            assertThat(report.path("counts").path("create").asInt()).isEqualTo(9);
            List<String> planned = new ArrayList<>();
            for (JsonNode o : report.path("objects")) {
                assertThat(o.path("action").asText()).isEqualTo("CREATE");
                planned.add(o.path("kind").asText() + " " + o.path("namespace").asText("-") + "/" + o.path("name").asText());
            }
            assertThat(planned).containsExactly(
                    "Namespace -/shop-extra",
                    "ServiceAccount " + shop + "/worker",
                    "ClusterRole -/shop-reader",
                    "RoleBinding " + shop + "/worker-reads",
                    "ConfigMap " + shop + "/settings",
                    "Service " + shop + "/worker",
                    "Deployment " + shop + "/worker",
                    "Service " + shop + "/shop",
                    "Trigger " + shop + "/on-order");
            assertThat(report.path("objects").get(7).path("apiVersion").asText()).isEqualTo("serving.knative.dev/v1");
            assertThat(report.path("objects").get(0).path("file").asText()).isEqualTo("k8s/app.yaml");
            assertThat(report.path("objects").get(0).path("line").asInt()).isEqualTo(42);

            JsonNode objects = tree(release(env + "-1").objects);
            assertThat(objects).hasSize(9);
            for (JsonNode o : objects) {
                JsonNode labels = o.path("metadata").path("labels");
                assertThat(labels.path("sluice.dev/release").asText()).isEqualTo(env + "-1");
                assertThat(labels.path("sluice.dev/run").asText()).isEqualTo(runId.toString());
                assertThat(labels.path("app.kubernetes.io/managed-by").asText()).isEqualTo("sluice");
            }
            assertThat(objects.get(0).path("metadata").has("namespace")).isFalse();
            assertThat(objects.get(6).path("metadata").path("namespace").asText()).isEqualTo(shop);
            assertThat(objects.get(6).path("metadata").path("labels").path("app").asText()).isEqualTo("worker");
            // the pod template keeps its own labels: a new release must not roll every workload
            assertThat(objects.get(6).path("spec").path("template").path("metadata").path("labels").has("sluice.dev/release")).isFalse();
        }
    }

    @Test
    void aReleaseWithAnObjectNamingAnotherNamespaceIsRefusedNamingTheObject() {
        String manifests = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: here}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: elsewhere}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: said, namespace: SHOP}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop-extra}
                """.replace("SHOP", shop);
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("elsewhere", Map.of("k8s/config.yaml", manifests));
            String env = environment("elsewhere");
            UUID runId = UUID.randomUUID();

            Response reply = postRequested(runId, repo.url(), env, shop, sha);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED).header("ce-subject", runId.toString());
            JsonNode data = tree(reply.asString());
            assertThat(data.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(data.path("reason").asText()).isEqualTo("plan mode: refused: ConfigMap elsewhere/settings (k8s/config.yaml:5) "
                    + "names namespace elsewhere, not the environment's namespace " + shop);
            assertThat(ledger(env)).singleElement().satisfies(r -> assertThat(r.outcome).isEqualTo(Outcome.FAILED));
            // A refused release is no base for the next plan.
            String fixed = repo.commit("here", Map.of("k8s/config.yaml", manifests.replace("namespace: elsewhere", "namespace: " + shop)));
            JsonNode next = tree(postRequested(UUID.randomUUID(), repo.url(), env, shop, fixed).asString());
            assertThat(next.path("outcome").asText()).isEqualTo("VERIFIED");
            assertThat(next.path("reason").asText()).startsWith("plan mode: 4 to create");
        }
    }

    @Test
    void crdsComeBeforeTheirCustomResourcesConfigBeforeVolumesBeforeWorkloadsAndABrokerBeforeItsSourcesAndTriggers() {
        String manifests = """
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: on-order}
                spec: {broker: orders, subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: shop}}}
                ---
                apiVersion: acme.dev/v1
                kind: Widget
                metadata: {name: gear}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec: {serviceName: db, selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres:16}]}}}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: uploads}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                ---
                apiVersion: sources.knative.dev/v1
                kind: PingSource
                metadata: {name: nightly}
                spec: {schedule: "0 3 * * *", sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: orders}}}
                ---
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: shop}
                spec: {template: {spec: {containers: [{image: ghcr.io/acme/shop:1}]}}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: orders}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: x}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.acme.dev}
                spec:
                  group: acme.dev
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets}
                  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: db}
                spec: {selector: {app: db}, ports: [{port: 5432}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: worker}
                spec: {selector: {matchLabels: {app: worker}}, template: {metadata: {labels: {app: worker}}, spec: {containers: [{name: w, image: w:1}]}}}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.acme.dev}
                spec:
                  group: acme.dev
                  scope: Namespaced
                  names: {kind: Gadget, plural: gadgets}
                  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
                """;
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("all tiers", Map.of("k8s/all.yaml", manifests));
            String env = environment("order");
            UUID runId = UUID.randomUUID();

            postRequested(runId, repo.url(), env, shop, sha).then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);

            assertThat(report(runId).path("objects")).extracting(o -> o.path("kind").asText() + " " + o.path("name").asText())
                    .containsExactly(
                            "CustomResourceDefinition widgets.acme.dev",
                            "CustomResourceDefinition gadgets.acme.dev",
                            "Secret db",
                            "PersistentVolumeClaim uploads",
                            "Service db",
                            "Deployment worker",
                            "StatefulSet db",
                            "Service shop",
                            "Broker orders",
                            "PingSource nightly",
                            "Trigger on-order",
                            "Widget gear");
        }
    }

    @Test
    void secondDeploymentShowsTheChangedImageWithItsFieldPathTheRestUnchangedAndADroppedObjectAsWouldPrune() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("staging");
            String first = repo.commit("app 1.0", Map.of("k8s/app.yaml", APP));
            postRequested(UUID.randomUUID(), repo.url(), env, shop, first).then().statusCode(200);

            String withoutService = APP.replace("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: worker}
                    spec:
                      selector: {app: worker}
                      ports: [{port: 80}]
                    ---
                    """, "");
            String second = repo.commit("worker 1.1, no Service", Map.of("k8s/app.yaml",
                    withoutService.replace("ghcr.io/acme/worker:1.0", "ghcr.io/acme/worker:1.1")));
            UUID runId = UUID.randomUUID();
            Response reply = postRequested(runId, repo.url(), env, shop, second);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            JsonNode data = tree(reply.asString());
            assertThat(data.path("releaseId").asText()).isEqualTo(env + "-2");
            assertThat(data.path("reason").asText()).isEqualTo(
                    "plan mode: 0 to create, 1 to change, 5 unchanged, 1 would be pruned (no cluster configured)");

            JsonNode report = report(runId);
            assertThat(report.path("previousReleaseId").asText()).isEqualTo(env + "-1");
            for (JsonNode o : report.path("objects")) {
                if (o.path("kind").asText().equals("Deployment")) {
                    assertThat(o.path("action").asText()).isEqualTo("CHANGE");
                    assertThat(o.path("changedPaths")).extracting(JsonNode::asText)
                            .containsExactly("/spec/template/spec/containers/0/image");
                    // each changed field with its value before and after, as kubectl diff shows it
                    assertThat(o.path("changes")).hasSize(1);
                    JsonNode change = o.path("changes").get(0);
                    assertThat(change.path("path").asText()).isEqualTo("/spec/template/spec/containers/0/image");
                    assertThat(change.path("op").asText()).isEqualTo("replace");
                    assertThat(change.path("before").asText()).isEqualTo("ghcr.io/acme/worker:1.0");
                    assertThat(change.path("after").asText()).isEqualTo("ghcr.io/acme/worker:1.1");
                } else {
                    assertThat(o.path("action").asText()).as(o.toString()).isEqualTo("UNCHANGED");
                    assertThat(o.has("changedPaths")).isFalse();
                }
            }
            assertThat(report.path("wouldPrune")).hasSize(1);
            JsonNode pruned = report.path("wouldPrune").get(0);
            assertThat(pruned.path("kind").asText()).isEqualTo("Service");
            assertThat(pruned.path("namespace").asText()).isEqualTo(shop);
            assertThat(pruned.path("name").asText()).isEqualTo("worker");
            assertThat(report.path("counts").path("wouldPrune").asInt()).isEqualTo(1);
        }
    }

    @Test
    void theReleaseLedgerHoldsEveryReleaseOfAnEnvironmentNumberedInOrder() {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("ledger");
            String first = repo.commit("1", Map.of("k8s/app.yaml", APP));
            String second = repo.commit("2", Map.of("k8s/app.yaml", APP.replace("mode: fast", "mode: slow")));
            UUID run1 = UUID.randomUUID();
            UUID run2 = UUID.randomUUID();
            postRequested(run1, repo.url(), env, shop, first).then().statusCode(200);
            postRequested(run2, repo.url(), env, shop, second).then().statusCode(200);

            List<Release> releases = ledger(env);
            assertThat(releases).extracting(r -> r.id).containsExactly(env + "-1", env + "-2");
            assertThat(releases).extracting(r -> r.runId).containsExactly(run1, run2);
            assertThat(releases).extracting(r -> r.sha).containsExactly(first, second);
            assertThat(releases).allSatisfy(r -> {
                assertThat(r.mode).isEqualTo(DeployMode.PLAN);
                assertThat(r.outcome).isEqualTo(Outcome.VERIFIED);
                assertThat(r.namespace).isEqualTo(shop);
                assertThat(r.repositoryUrl).isEqualTo(repo.url());
                assertThat(r.strategy).isEqualTo("canary");
                assertThat(r.createdAt).isNotNull();
                assertThat(r.finishedAt).isNotNull();
            });
            assertThat(tree(releases.get(1).plan).path("objects").get(4).path("changedPaths"))
                    .extracting(JsonNode::asText).containsExactly("/data/mode");
        }
    }

    @Test
    void microservicesDemoPlansServiceAccountsThenServicesThenDeploymentsAllInTheEnvironmentNamespace() throws IOException {
        Path fixture = fixtures().resolve("k8s/microservices-demo/kubernetes-manifests.yaml");
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("demo", Map.of("manifests/kubernetes-manifests.yaml", Files.readString(fixture)));
            String env = environment("demo");
            UUID runId = UUID.randomUUID();

            postRequested(runId, repo.url(), env, "boutique", sha).then().statusCode(200)
                    .header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);

            JsonNode report = report(runId);
            List<String> kinds = new ArrayList<>();
            for (JsonNode o : report.path("objects")) {
                kinds.add(o.path("kind").asText());
                assertThat(o.path("namespace").asText()).isEqualTo("boutique");
            }
            assertThat(kinds).hasSize(35);
            assertThat(kinds.subList(0, 11)).containsOnly("ServiceAccount");
            assertThat(kinds.subList(11, 23)).containsOnly("Service");
            assertThat(kinds.subList(23, 35)).containsOnly("Deployment");
        }
    }

    @Test
    void secretValuesAreStoredAsDigestsYetAChangedValueShowsInThePlan() {
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: hunter2-original}
                """;
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("secrets");
            String first = repo.commit("secret", Map.of("k8s/secret.yaml", secret));
            String second = repo.commit("rotate", Map.of("k8s/secret.yaml", secret.replace("hunter2-original", "hunter2-rotated")));
            postRequested(UUID.randomUUID(), repo.url(), env, shop, first).then().statusCode(200);
            UUID runId = UUID.randomUUID();
            postRequested(runId, repo.url(), env, shop, second).then().statusCode(200);

            Release release = release(env + "-2");
            assertThat(release.objects).doesNotContain("hunter2").contains("sha256:");
            assertThat(release.plan).doesNotContain("hunter2");
            JsonNode planned = report(runId).path("objects").get(0);
            assertThat(planned.path("action").asText()).isEqualTo("CHANGE");
            assertThat(planned.path("changedPaths")).extracting(JsonNode::asText).containsExactly("/stringData/password");
            // the value before and after is shown as its fingerprint, two different ones
            JsonNode change = planned.path("changes").get(0);
            assertThat(change.path("before").asText()).startsWith("hmac-sha256:");
            assertThat(change.path("after").asText()).startsWith("hmac-sha256:").isNotEqualTo(change.path("before").asText());
        }
    }

    @Test
    void unparseableDocumentsAndObjectsWithoutANameAreSkippedButCounted() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("mixed", Map.of(
                    "k8s/good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
                    "k8s/broken.yaml", "apiVersion: v1\nkind: [unclosed\n",
                    "k8s/nameless.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n"));
            String env = environment("skips");
            UUID runId = UUID.randomUUID();

            Response reply = postRequested(runId, repo.url(), env, shop, sha);

            reply.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            assertThat(tree(reply.asString()).path("reason").asText())
                    .isEqualTo("plan mode: 1 to create, 0 to change, 0 unchanged, 2 documents skipped (no cluster configured)");
            JsonNode report = report(runId);
            assertThat(report.path("counts").path("skipped").asInt()).isEqualTo(2);
            assertThat(report.path("skipped")).extracting(s -> s.path("file").asText() + ": " + s.path("reason").asText())
                    .anySatisfy(s -> assertThat(s).startsWith("k8s/broken.yaml: does not parse"))
                    .contains("k8s/nameless.yaml: no metadata.name");
        }
    }

    @Test
    void aCustomKindThatItsCrdDeclaresClusterScopedGetsNoNamespace() {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: tenants.acme.dev}
                spec:
                  group: acme.dev
                  scope: Cluster
                  names: {kind: Tenant, plural: tenants}
                  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
                ---
                apiVersion: acme.dev/v1
                kind: Tenant
                metadata: {name: blue}
                ---
                apiVersion: acme.dev/v1
                kind: Widget
                metadata: {name: gear}
                """;
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("crd", Map.of("k8s/crd.yaml", crd));
            String env = environment("crd");
            postRequested(UUID.randomUUID(), repo.url(), env, shop, sha).then().statusCode(200);

            JsonNode objects = tree(release(env + "-1").objects);
            assertThat(objects.get(0).path("kind").asText()).isEqualTo("CustomResourceDefinition");
            assertThat(objects.get(0).path("metadata").has("namespace")).isFalse();
            assertThat(objects.get(1).path("kind").asText()).isEqualTo("Tenant");
            assertThat(objects.get(1).path("metadata").has("namespace")).isFalse();
            assertThat(objects.get(2).path("kind").asText()).isEqualTo("Widget");
            assertThat(objects.get(2).path("metadata").path("namespace").asText()).isEqualTo(shop);
        }
    }

    @Test
    void manifestPathsComeFromSluiceYaml() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("custom paths", Map.of(
                    ".sluice.yaml", "manifests: [ops/]\n",
                    "ops/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-ops}\n",
                    "k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-listed}\n"));
            String env = environment("paths");
            UUID runId = UUID.randomUUID();
            postRequested(runId, repo.url(), env, shop, sha).then().statusCode(200);

            JsonNode report = report(runId);
            assertThat(report.path("manifestPaths")).extracting(JsonNode::asText).containsExactly("ops/");
            assertThat(report.path("objects")).extracting(o -> o.path("name").asText()).containsExactly("in-ops");
        }
    }

    @Test
    void checkOfAKnownReleaseRepliesItsOutcomeEveryTime() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("app", Map.of("k8s/app.yaml", APP));
            String env = environment("check");
            UUID runId = UUID.randomUUID();
            String releaseId = tree(postRequested(runId, repo.url(), env, shop, sha).asString()).path("releaseId").asText();

            for (int i = 0; i < 2; i++) {
                Response reply = postCheck(runId, 3, releaseId);
                reply.then().statusCode(200)
                        .header("ce-type", EventTypes.DEPLOYMENT_COMPLETED)
                        .header("ce-source", "/sluice/deploy")
                        .header("ce-subject", runId.toString());
                JsonNode data = tree(reply.asString());
                assertThat(data.path("outcome").asText()).isEqualTo("VERIFIED");
                assertThat(data.path("releaseId").asText()).isEqualTo(releaseId);
                assertThat(data.path("attempt").asInt()).isEqualTo(3);
                assertThat(data.path("reason").asText()).startsWith("plan mode: 7 to create");
            }
            assertThat(ledger(env)).hasSize(1);
        }
    }

    @Test
    void checkOfAnUnknownReleaseRepliesStepFailedNotRetryable() {
        UUID runId = UUID.randomUUID();
        Response reply = postCheck(runId, 1, "nowhere-42");

        reply.then().statusCode(200)
                .header("ce-type", EventTypes.STEP_FAILED)
                .header("ce-source", "/sluice/deploy")
                .header("ce-subject", runId.toString());
        JsonNode data = tree(reply.asString());
        assertThat(data.path("stage").asText()).isEqualTo("deployment");
        assertThat(data.path("retryable").asBoolean(true)).isFalse();
        assertThat(data.path("error").asText()).contains("unknown release nowhere-42");
    }

    @Test
    void checkOfAnotherRunsReleaseRepliesStepFailedNotRetryable() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("app", Map.of("k8s/app.yaml", APP));
            String env = environment("other");
            String releaseId = tree(postRequested(UUID.randomUUID(), repo.url(), env, shop, sha).asString())
                    .path("releaseId").asText();

            Response reply = postCheck(UUID.randomUUID(), 1, releaseId);

            reply.then().statusCode(200).header("ce-type", EventTypes.STEP_FAILED);
            assertThat(tree(reply.asString()).path("error").asText()).contains("belongs to run");
            assertThat(tree(reply.asString()).path("retryable").asBoolean(true)).isFalse();
        }
    }

    @Test
    void anUnreachableRepositoryRepliesStepFailedRetryable() {
        UUID runId = UUID.randomUUID();
        Response reply = postRequested(runId, "/nonexistent/sluice/repo-" + runId, environment("gone"), shop,
                "0123456789abcdef0123456789abcdef01234567");

        reply.then().statusCode(200)
                .header("ce-type", EventTypes.STEP_FAILED)
                .header("ce-subject", runId.toString());
        JsonNode data = tree(reply.asString());
        assertThat(data.path("stage").asText()).isEqualTo("deployment");
        assertThat(data.path("retryable").asBoolean(false)).isTrue();
        assertThat(data.path("error").asText()).contains("cannot fetch");
    }

    @Test
    void aBrokenSluiceYamlRepliesStepFailedNotRetryable() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("typo", Map.of(".sluice.yaml", "manifestz: [k8s/]\n",
                    "k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            String env = environment("broken");
            UUID runId = UUID.randomUUID();

            Response reply = postRequested(runId, repo.url(), env, shop, sha);

            reply.then().statusCode(200).header("ce-type", EventTypes.STEP_FAILED);
            JsonNode data = tree(reply.asString());
            assertThat(data.path("retryable").asBoolean(true)).isFalse();
            assertThat(data.path("error").asText()).contains(".sluice.yaml does not parse").contains("manifestz");
            assertThat(ledger(env)).isEmpty();
        }
    }

    /** The repository's fixtures/ folder, found by walking up from the module directory. */
    static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
    }
}
