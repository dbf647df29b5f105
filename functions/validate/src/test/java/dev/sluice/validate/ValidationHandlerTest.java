package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.report.StageReport;
import dev.sluice.testing.Metrics;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ValidationHandlerTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %s
              labels: {app.kubernetes.io/name: %1$s}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: %1$s}
              template:
                metadata:
                  labels: {app: %1$s}
                spec:
                  automountServiceAccountToken: false
                  priorityClassName: business
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: %1$s}}}
                  containers:
                  - name: app
                    image: %s
                    imagePullPolicy: Always
                    resources:
                      requests: {cpu: 100m, memory: 64Mi}
                      limits: {memory: 128Mi}
                    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                    livenessProbe: {httpGet: {path: /q/health/live, port: 8080}}
                    readinessProbe: {httpGet: {path: /q/health/ready, port: 8080}}
            """;

    private final List<TestRepository> repos = new ArrayList<>();

    @AfterEach
    void closeRepos() {
        repos.forEach(TestRepository::close);
    }

    private TestRepository repo() {
        TestRepository r = TestRepository.create();
        repos.add(r);
        return r;
    }

    private static String deployment(String name, String image) {
        return DEPLOYMENT.formatted(name, image);
    }

    /** Posts a request for the commit and checks the reply is this function's validation.completed for the run. */
    private static JsonPath completed(UUID runId, TestRepository repo, String sha) {
        return completed(runId, ValidationRequests.data(runId, repo.url(), sha));
    }

    private static JsonPath completed(UUID runId, Map<String, Object> data) {
        Response r = ValidationRequests.post(data);
        r.then().statusCode(200);
        assertThat(r.header("ce-type")).isEqualTo(EventTypes.VALIDATION_COMPLETED);
        assertThat(r.header("ce-source")).isEqualTo("/sluice/validate");
        assertThat(r.header("ce-subject")).isEqualTo(runId.toString());
        JsonPath body = r.jsonPath();
        assertThat(body.getString("runId")).isEqualTo(runId.toString());
        assertThat(body.getInt("attempt")).isEqualTo(1);
        return body;
    }

    private static JsonNode report(UUID runId) {
        String json = QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, StageReport.VALIDATION).report);
        try {
            return EventCodec.json().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> findings(JsonNode report, String ruleId) {
        List<JsonNode> found = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("ruleId").asText().equals(ruleId)) {
                found.add(f);
            }
        });
        return found;
    }

    private static List<String> ruleIds(JsonNode report) {
        List<String> ids = new ArrayList<>();
        report.get("findings").forEach(f -> ids.add(f.get("ruleId").asText()));
        return ids;
    }

    @Test
    void aRealKnativeServicePassesWithItsUntaggedImageAsAWarning() {
        TestRepository repo = repo();
        String sha = repo.commit("knative", Map.of("k8s/service.yaml",
                Fixtures.read("k8s/knative-docs/serving_hello-world_helloworld-go_service.yaml")));
        UUID runId = UUID.randomUUID();
        Map<String, Object> data = ValidationRequests.data(runId, repo.url(), sha);
        data.put("namespace", "default"); // the sample's own namespace
        String before = Metrics.scrape();

        JsonPath body = completed(runId, data);

        assertThat(body.getBoolean("passed")).isTrue();
        assertThat(body.getInt("counts.error")).isZero();
        assertThat(body.getString("summary")).isEqualTo("1 object in 1 file: 0 errors, 8 warnings");
        JsonNode report = report(runId);
        // no probe warnings: Knative probes the container itself
        // nor Knative-exempt policies (pull policy, priority class, network policy, topology spread)
        assertThat(ruleIds(report)).containsExactlyInAnyOrder("image-tag", "resources", "read-only-root-fs",
                "run-as-non-root", "name-label", "automount-service-account-token", "drop-capabilities", "linux-hardening",
                "privilege-escalation");
        assertThat(report.at("/objects/0/kind").asText()).isEqualTo("Service");
        assertThat(report.at("/objects/0/name").asText()).isEqualTo("helloworld-go");
        // /q/metrics: the validation's time, and its findings by rule and severity
        String after = Metrics.scrape();
        assertThat(delta(before, after, "sluice_validation_duration_seconds_count", "passed", "true")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_validation_findings_total", "rule", "image-tag", "severity", "warning")).isEqualTo(1);
    }

    private static double delta(String before, String after, String name, String... labels) {
        return Metrics.count(after, name, labels) - Metrics.count(before, name, labels);
    }

    @Test
    void theMicroservicesDemoManifestsPassWithNoErrors() {
        TestRepository repo = repo();
        String sha = repo.commit("demo", Map.of("k8s/kubernetes-manifests.yaml",
                Fixtures.read("k8s/microservices-demo/kubernetes-manifests.yaml")));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).as(body.getString("summary")).isTrue();
        assertThat(body.getInt("counts.error")).isZero();
        assertThat(body.getString("summary")).startsWith("35 objects in 1 file: 0 errors");
        JsonNode report = report(runId);
        assertThat(report.get("objects")).hasSize(35);
        assertThat(report.get("files").get(0).asText()).isEqualTo("k8s/kubernetes-manifests.yaml");
        // the first document starts after the licence header
        assertThat(report.at("/objects/0/line").asInt()).isEqualTo(21);
        // loadgenerator's init container sets no resources; every image is tagged or pinned, every pod non-root
        JsonNode resources = findings(report, "resources").get(0);
        assertThat(resources.get("name").asText()).isEqualTo("loadgenerator");
        assertThat(resources.get("path").asText()).isEqualTo("spec.template.spec.initContainers[0]");
        assertThat(ruleIds(report)).doesNotContain("image-tag", "run-as-non-root", "privileged", "schema", "service-overlap");
    }

    @Test
    void aManifestThatDoesNotParseFailsAndTheSummaryNamesFileAndLine() {
        TestRepository repo = repo();
        String sha = repo.commit("broken", Map.of("k8s/broken.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: [unclosed\n"));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getInt("counts.error")).isEqualTo(1);
        assertThat(body.getString("summary")).matches("k8s/broken\\.yaml:[78]: does not parse.*");
        assertThat(ruleIds(report(runId))).containsExactly("manifest-parse");
    }

    @Test
    void manifestsOverTwoMebibytesAreFindingsReadFromTheirGitSizeNeverA500() {
        TestRepository repo = repo();
        // 3 MiB, and 51 MiB: above JGit's 50 MiB core.streamFileThreshold, which getBytes() refuses outright
        String big = "# padding\n".repeat(3 * 1024 * 1024 / 10);
        String huge = "# padding\n".repeat(51 * 1024 * 1024 / 10);
        String sha = repo.commit("big files", Map.of("k8s/big.yaml", big, "k8s/huge.yaml", huge,
                "k8s/app.yaml", deployment("web", "nginx:1.27")));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getInt("counts.error")).isEqualTo(2);
        assertThat(body.getString("summary")).isEqualTo("k8s/big.yaml:1: file is " + big.length() + " bytes, over the limit of 2097152; "
                + "k8s/huge.yaml:1: file is " + huge.length() + " bytes, over the limit of 2097152");
        JsonNode report = report(runId);
        // the Deployment beside them: no PodDisruptionBudget or NetworkPolicy in the manifests (warnings)
        assertThat(ruleIds(report)).containsExactlyInAnyOrder("manifest-parse", "manifest-parse", "network-policy",
                "pod-disruption-budget");
        assertThat(report.get("objects")).hasSize(1);
    }

    @Test
    void aJsonManifestUnderK8sIsReadAndValidatedWithFieldLines() {
        TestRepository repo = repo();
        String json = """
                {
                  "apiVersion": "apps/v1",
                  "kind": "Deployment",
                  "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
                  "spec": {
                    "replicas": "2",
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                      "metadata": {"labels": {"app": "web"}},
                      "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}
                    }
                  }
                }
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"mode": "fast"}}
                """;
        String sha = repo.commit("json", Map.of("k8s/app.json", json));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getString("summary")).isEqualTo("k8s/app.json:6: Deployment web: spec.replicas must be an integer, not a string (\"2\")");
        JsonNode report = report(runId);
        assertThat(report.get("files")).extracting(JsonNode::asText).containsExactly("k8s/app.json");
        assertThat(report.get("objects")).extracting(o -> o.get("kind").asText() + "@" + o.get("line").asInt())
                .containsExactly("Deployment@1", "ConfigMap@14");
        JsonNode tag = findings(report, "image-tag").get(0);
        assertThat(tag.get("line").asInt()).isEqualTo(10);
        assertThat(tag.get("path").asText()).isEqualTo("spec.template.spec.containers[0].image");
    }

    @Test
    void aDocumentWithoutMetadataNameFailsNamingFileAndLine() {
        TestRepository repo = repo();
        String sha = repo.commit("no name", Map.of("k8s/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\n"
                + deployment("web", "nginx:1.27").replace("  name: web\n", "")));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getString("summary")).isEqualTo("k8s/app.yaml:6: Deployment has no metadata.name");
        JsonNode finding = report(runId).at("/findings/0");
        assertThat(finding.get("ruleId").asText()).isEqualTo("manifest-required-field");
        assertThat(finding.get("severity").asText()).isEqualTo("error");
        assertThat(finding.get("line").asInt()).isEqualTo(6);
    }

    @Test
    void theSameObjectDefinedTwiceFailsNamingBothPlaces() {
        TestRepository repo = repo();
        String sha = repo.commit("twice", Map.of(
                "k8s/a.yaml", deployment("web", "nginx:1.27"),
                // another apps version of the same Deployment, in the run's namespace written out
                "k8s/b.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n---\n"
                        + deployment("web", "nginx:1.27").replace("apps/v1", "apps/v1beta2").replace("  name: web\n", "  name: web\n  namespace: shop\n")));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        // apps/v1beta2 is itself an error now (deprecated-api), beside the duplicate
        assertThat(body.getInt("counts.error")).isEqualTo(2);
        assertThat(body.getString("summary"))
                .contains("k8s/b.yaml:8: Deployment shop/web is defined twice: here and at k8s/a.yaml:1")
                .contains("k8s/b.yaml:8: Deployment shop/web: apps/v1beta2 is removed since Kubernetes 1.16; use apps/v1");
    }

    @Test
    void aListIsExpandedAndEachItemIsChecked() {
        TestRepository repo = repo();
        String list = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: first}
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: second}
                - apiVersion: v1
                  kind: Secret
                  metadata: {labels: {a: b}}
                """;
        String sha = repo.commit("list", Map.of("k8s/list.yaml", list));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        // the line of the item itself, not of the List
        assertThat(body.getString("summary")).isEqualTo("k8s/list.yaml:10: Secret (items[2] of a List) has no metadata.name");
        JsonNode objects = report(runId).get("objects");
        assertThat(objects).hasSize(2);
        assertThat(objects.get(1).get("name").asText()).isEqualTo("second");
        assertThat(objects.get(1).get("kind").asText()).isEqualTo("ConfigMap");
    }

    @Test
    void aLatestImageIsAWarningThatDoesNotFailTheGate() {
        TestRepository repo = repo();
        String sha = repo.commit("latest", Map.of("k8s/app.yaml", deployment("web", "registry.local:5000/shop/web:latest")
                + "---\n" + deployment("api", "registry.local:5000/shop/api:1.2.3")));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isTrue();
        // the tag, and for each Deployment no PodDisruptionBudget and no NetworkPolicy
        assertThat(body.getInt("counts.warning")).isEqualTo(5);
        assertThat(body.getString("summary")).isEqualTo("2 objects in 1 file: 0 errors, 5 warnings");
        assertThat(findings(report(runId), "image-tag")).hasSize(1);
        JsonNode finding = findings(report(runId), "image-tag").get(0);
        assertThat(finding.get("ruleId").asText()).isEqualTo("image-tag");
        assertThat(finding.get("severity").asText()).isEqualTo("warning");
        assertThat(finding.get("name").asText()).isEqualTo("web");
        assertThat(finding.get("message").asText()).contains("registry.local:5000/shop/web:latest");
    }

    @Test
    void manifestsOutsideTheDefaultPathsAreIgnored() {
        TestRepository repo = repo();
        String sha = repo.commit("elsewhere", Map.of(
                "k8s/app.yaml", deployment("web", "nginx:1.27"),
                "src/main/resources/broken.yaml", "kind: [unclosed\n",
                "config.json", "{\"not\": \"a manifest\"}"));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isTrue();
        assertThat(body.getString("summary")).isEqualTo("1 object in 1 file: 0 errors, 2 warnings");
    }

    @Test
    void theManifestPathsOfSluiceYamlAreHonoured() {
        TestRepository repo = repo();
        String sha = repo.commit("deploy only", Map.of(
                ".sluice.yaml", "manifests: [deploy/]\n",
                "k8s/ignored.yaml", "kind: [unclosed\n",
                "deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n"));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getString("summary")).isEqualTo("deploy/app.yaml:1: ConfigMap has no metadata.name");
        JsonNode report = report(runId);
        assertThat(report.get("manifestPaths").get(0).asText()).isEqualTo("deploy/");
        assertThat(report.get("files")).hasSize(1);
    }

    @Test
    void noManifestsAtAllPassesWithAnInfoNamingThePathsSearched() {
        TestRepository repo = repo();
        String sha = repo.commit("code only", Map.of("README.md", "# nothing to deploy\n"));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getBoolean("passed")).isTrue();
        assertThat(body.getInt("counts.info")).isEqualTo(1);
        assertThat(body.getString("summary")).contains("no manifests found under k8s/, deploy/, manifests/, knative/");
        assertThat(ruleIds(report(runId))).containsExactly("no-manifests");
    }

    @Test
    void aBrokenSluiceYamlRepliesStepFailedNotRetryable() {
        TestRepository repo = repo();
        String sha = repo.commit("typo", Map.of(".sluice.yaml", "manifest: [deploy/]\n"));
        UUID runId = UUID.randomUUID();

        Response r = ValidationRequests.post(runId, repo.url(), sha);

        r.then().statusCode(200);
        assertThat(r.header("ce-type")).isEqualTo(EventTypes.STEP_FAILED);
        assertThat(r.header("ce-source")).isEqualTo("/sluice/validate");
        assertThat(r.header("ce-subject")).isEqualTo(runId.toString());
        assertThat(r.jsonPath().getString("stage")).isEqualTo("validation");
        assertThat(r.jsonPath().getBoolean("retryable")).isFalse();
        assertThat(r.jsonPath().getString("error")).contains(".sluice.yaml");
    }

    @Test
    void anUnreachableRepositoryRepliesStepFailedRetryable() {
        UUID runId = UUID.randomUUID();

        Response r = ValidationRequests.post(runId, "/nonexistent/sluice/repo-" + runId, "0123456789abcdef0123456789abcdef01234567");

        r.then().statusCode(200);
        assertThat(r.header("ce-type")).isEqualTo(EventTypes.STEP_FAILED);
        assertThat(r.header("ce-subject")).isEqualTo(runId.toString());
        assertThat(r.jsonPath().getString("stage")).isEqualTo("validation");
        assertThat(r.jsonPath().getBoolean("retryable")).isTrue();
        assertThat(r.jsonPath().getInt("attempt")).isEqualTo(1);
    }

    @Test
    void aCommitTheRepositoryDoesNotHoldRepliesStepFailedRetryable() {
        TestRepository repo = repo();
        repo.commit("one", Map.of("k8s/app.yaml", deployment("web", "nginx:1.27")));

        Response r = ValidationRequests.post(UUID.randomUUID(), repo.url(), "0123456789abcdef0123456789abcdef01234567");

        assertThat(r.header("ce-type")).isEqualTo(EventTypes.STEP_FAILED);
        assertThat(r.jsonPath().getBoolean("retryable")).isTrue();
        assertThat(r.jsonPath().getString("error")).contains("0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void aMissingShaIsA400NamingTheField() {
        Map<String, Object> data = ValidationRequests.data(UUID.randomUUID(), "/tmp/repo", null);

        Response r = ValidationRequests.post(data);

        r.then().statusCode(400).contentType("application/json");
        assertThat(r.jsonPath().getString("error")).isEqualTo("sha is required");
    }

    @Test
    void aMissingRunIdIsA400NamingTheField() {
        Response r = ValidationRequests.post(ValidationRequests.data(null, "/tmp/repo", "0123456789abcdef0123456789abcdef01234567"));

        r.then().statusCode(400).contentType("application/json");
        assertThat(r.jsonPath().getString("error")).isEqualTo("runId is required");
    }

    @Test
    void aMissingRepositoryUrlIsA400NamingTheField() {
        Response r = ValidationRequests.post(ValidationRequests.data(UUID.randomUUID(), " ", "0123456789abcdef0123456789abcdef01234567"));

        r.then().statusCode(400).contentType("application/json");
        assertThat(r.jsonPath().getString("error")).isEqualTo("repositoryUrl is required");
    }

    @Test
    void aShortShaIsA400() {
        Response r = ValidationRequests.post(ValidationRequests.data(UUID.randomUUID(), "/tmp/repo", "abc123"));

        r.then().statusCode(400).contentType("application/json");
        assertThat(r.jsonPath().getString("error")).contains("sha").contains("40");
    }

    @Test
    void dataThatDoesNotParseIsA400NamingTheField() {
        Map<String, Object> data = ValidationRequests.data(UUID.randomUUID(), "/tmp/repo", "0123456789abcdef0123456789abcdef01234567");
        data.put("runId", "not-a-uuid");

        Response r = ValidationRequests.post(data);

        r.then().statusCode(400).contentType("application/json");
        assertThat(r.jsonPath().getString("error")).contains("runId");
    }

    @Test
    void theSameEventTwiceGetsTheIdenticalReplyAndOneReport() {
        TestRepository repo = repo();
        String sha = repo.commit("twice", Map.of("k8s/app.yaml", deployment("web", "nginx")));
        UUID runId = UUID.randomUUID();
        Map<String, Object> data = ValidationRequests.data(runId, repo.url(), sha);
        String id = UUID.randomUUID().toString();

        Response first = ValidationRequests.post(id, data);
        Response second = ValidationRequests.post(id, data);

        first.then().statusCode(200);
        second.then().statusCode(200);
        assertThat(second.header("ce-id")).isEqualTo(first.header("ce-id"));
        assertThat(second.header("ce-type")).isEqualTo(EventTypes.VALIDATION_COMPLETED);
        assertThat(second.asString()).isEqualTo(first.asString());
        long reports = QuarkusTransaction.requiringNew().call(() -> StageReport.count("runId = ?1 and stage = ?2", runId, StageReport.VALIDATION));
        assertThat(reports).isEqualTo(1);
    }

    @Test
    void theStoredReportHoldsFilesObjectsFindingsCountsAndDuration() {
        TestRepository repo = repo();
        String sha = repo.commit("report", Map.of(
                "k8s/a.yaml", deployment("web", "nginx"),
                "k8s/b.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"));
        UUID runId = UUID.randomUUID();

        completed(runId, repo, sha);

        JsonNode report = report(runId);
        assertThat(report.get("sha").asText()).isEqualTo(sha);
        assertThat(report.get("namespace").asText()).isEqualTo("shop");
        assertThat(report.get("files")).hasSize(2);
        assertThat(report.get("objects")).hasSize(2);
        assertThat(report.at("/objects/1/file").asText()).isEqualTo("k8s/b.yaml");
        assertThat(report.at("/objects/1/line").asInt()).isEqualTo(1);
        assertThat(report.at("/findings/0/file").asText()).isEqualTo("k8s/a.yaml");
        assertThat(report.at("/findings/0/remediation").asText()).isNotBlank();
        assertThat(report.at("/counts/warning").asInt()).isEqualTo(3); // the untagged image, no PDB, no NetworkPolicy
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(report.get("durationMs").isNumber()).isTrue();
        assertThat(report.get("rules")).extracting(JsonNode::asText).contains("duplicate-object", "image-tag", "resources");
    }

    @Test
    void manyErrorsAreSummarisedAsTheFirstThreeAndACount() {
        TestRepository repo = repo();
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            yaml.append("---\napiVersion: v1\nkind: ConfigMap\n");
        }
        String sha = repo.commit("nameless", Map.of("k8s/many.yaml", yaml.toString()));

        JsonPath body = completed(UUID.randomUUID(), repo, sha);

        assertThat(body.getInt("counts.error")).isEqualTo(5);
        assertThat(body.getString("summary")).isEqualTo("k8s/many.yaml:2: ConfigMap has no metadata.name; "
                + "k8s/many.yaml:5: ConfigMap has no metadata.name; k8s/many.yaml:8: ConfigMap has no metadata.name (+2 more)");
    }

    @Test
    void everyKubeLinterAndKubeScoreFixtureGetsAVerdictNeverAServerError() {
        TestRepository repo = repo();
        repo.commitFolder("linter", Fixtures.dir("k8s/kube-linter/checks").getParent().getParent());
        String sha = repo.commit(".sluice.yaml", Map.of(".sluice.yaml", "manifests: [kube-linter/, kube-score/]\n"));
        UUID runId = UUID.randomUUID();

        JsonPath body = completed(runId, repo, sha);

        assertThat(body.getInt("counts.warning")).isPositive();
        assertThat(report(runId).get("objects").size()).isGreaterThan(200);
    }
}
