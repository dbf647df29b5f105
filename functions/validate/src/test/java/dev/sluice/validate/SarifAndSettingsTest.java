package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.report.StageReport;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** Through the function: .sluice.yaml validation settings, the ignore annotation, categories and the SARIF rendering. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class SarifAndSettingsTest {
    private static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: agent
              annotations:
                sluice.dev/ignore: "host-namespaces: the node agent reads the node's network"
            spec:
              replicas: "2"
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  hostNetwork: true
                  containers:
                  - name: agent
                    image: registry.local/agent:latest
            """;

    private final List<TestRepository> repos = new ArrayList<>();

    @AfterEach
    void closeRepos() {
        repos.forEach(TestRepository::close);
    }

    private String commit(Map<String, String> files) {
        TestRepository r = TestRepository.create();
        repos.add(r);
        String sha = r.commit("app", files);
        lastUrl = r.url();
        return sha;
    }

    private String lastUrl;

    private JsonPath completed(UUID runId, String sha) {
        Response r = ValidationRequests.post(runId, lastUrl, sha);
        r.then().statusCode(200);
        assertThat(r.header("ce-type")).isEqualTo(EventTypes.VALIDATION_COMPLETED);
        assertThat(r.header("ce-source")).isEqualTo("/sluice/validate");
        assertThat(r.header("ce-subject")).isEqualTo(runId.toString());
        return r.jsonPath();
    }

    private static JsonNode stored(UUID runId, String stage) throws Exception {
        String json = QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, stage).report);
        return EventCodec.json().readTree(json);
    }

    @Test
    void theReportKeepsSchemaErrorsApartFromPolicyFindingsAndShowsWaivedOnesWithTheirReason() throws Exception {
        UUID runId = UUID.randomUUID();
        String sha = commit(Map.of("k8s/agent.yaml", APP));

        JsonPath body = completed(runId, sha);

        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getString("summary")).startsWith("k8s/agent.yaml:8: Deployment agent: spec.replicas must be an integer");
        JsonNode report = stored(runId, StageReport.VALIDATION);
        assertThat(report.at("/countsByCategory/schema").asInt()).isEqualTo(1);
        assertThat(report.at("/countsByCategory/policy").asInt()).isPositive();
        assertThat(report.get("findings")).anySatisfy(f -> {
            assertThat(f.get("ruleId").asText()).isEqualTo("schema");
            assertThat(f.get("category").asText()).isEqualTo("schema");
            assertThat(f.get("path").asText()).isEqualTo("spec.replicas");
        });
        assertThat(report.get("findings")).noneSatisfy(f -> assertThat(f.get("ruleId").asText()).isEqualTo("host-namespaces"));
        assertThat(report.at("/suppressed/0/finding/ruleId").asText()).isEqualTo("host-namespaces");
        assertThat(report.at("/suppressed/0/finding/line").asInt()).isEqualTo(13);
        assertThat(report.at("/suppressed/0/reason").asText()).isEqualTo("the node agent reads the node's network");
        assertThat(report.get("schema").asText()).contains("io.kubernetes:client-java-api:25.0.0", "io.fabric8:knative-model:7.4.0");
        assertThat(report.get("dryRun").asText()).startsWith("not configured");
    }

    @Test
    void theSarifRenderingIsValidSarif210WithRulesLocationsAndSuppressions() throws Exception {
        UUID runId = UUID.randomUUID();
        String sha = commit(Map.of("k8s/agent.yaml", APP));

        completed(runId, sha);

        JsonNode sarif = stored(runId, SarifReport.STAGE);
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        }
        List<Error> errors = schema.validate(sarif);
        assertThat(errors).as("SARIF schema errors").isEmpty();
        // and the schema does bite: a wrong version or a result without a message is refused
        com.fasterxml.jackson.databind.node.ObjectNode broken = sarif.deepCopy();
        broken.put("version", "2.0.0");
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.at("/runs/0/results/0")).remove("message");
        assertThat(schema.validate(broken)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
        JsonNode run = sarif.at("/runs/0");
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("sluice-validate");
        assertThat(run.at("/tool/driver/rules")).anySatisfy(r -> assertThat(r.get("id").asText()).isEqualTo("schema"));
        assertThat(run.get("results")).anySatisfy(r -> {
            assertThat(r.get("ruleId").asText()).isEqualTo("schema");
            assertThat(r.get("level").asText()).isEqualTo("error");
            assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("k8s/agent.yaml");
            assertThat(r.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(8);
            assertThat(r.at("/properties/category").asText()).isEqualTo("schema");
        });
        assertThat(run.get("results")).anySatisfy(r -> {
            assertThat(r.get("ruleId").asText()).isEqualTo("host-namespaces");
            assertThat(r.at("/suppressions/0/kind").asText()).isEqualTo("inSource");
            assertThat(r.at("/suppressions/0/justification").asText()).isEqualTo("the node agent reads the node's network");
        });
        // every result points at a rule of the driver by index
        for (JsonNode r : run.get("results")) {
            assertThat(run.at("/tool/driver/rules/" + r.get("ruleIndex").asInt() + "/id").asText()).isEqualTo(r.get("ruleId").asText());
        }
    }

    @Test
    void everySarifResultHasALocationAndOneAboutNoFileIsAtSluiceYaml() throws Exception {
        UUID runId = UUID.randomUUID();
        String sha = commit(Map.of("README.md", "# nothing to deploy\n",
                ".sluice.yaml", "validation:\n  rules:\n    no-such-rule: {severity: info}\n"));

        completed(runId, sha);

        JsonNode sarif = stored(runId, SarifReport.STAGE);
        JsonNode results = sarif.at("/runs/0/results");
        assertThat(results).extracting(r -> r.get("ruleId").asText()).containsExactlyInAnyOrder("no-manifests", "validation-settings");
        // GitHub code scanning refuses a result without a location ("expected at least one location")
        for (JsonNode r : results) {
            assertThat(r.get("locations")).as(r.get("ruleId").asText()).isNotEmpty();
            assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo(".sluice.yaml");
            assertThat(r.at("/locations/0/physicalLocation/region").isMissingNode()).isTrue();
        }
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
            assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in).validate(sarif)).isEmpty();
        }
    }

    @Test
    void sluiceYamlSeveritiesAndFailOnWarningsDecideTheGate() throws Exception {
        String app = APP.replace("\"2\"", "2");
        String settings = """
                validation:
                  failOnWarnings: true
                  rules:
                    schema: {severity: error}
                    image-tag: {severity: "off"}
                    run-as-non-root: {severity: info}
                """;
        UUID passingRun = UUID.randomUUID();
        // without settings: only warnings, the gate passes
        JsonPath passing = completed(passingRun, commit(Map.of("k8s/agent.yaml", app)));
        assertThat(passing.getBoolean("passed")).as(passing.getString("summary")).isTrue();
        assertThat(passing.getInt("counts.warning")).isPositive();
        assertThat(severities(stored(passingRun, StageReport.VALIDATION), "run-as-non-root")).containsExactly("warning");

        UUID strictRun = UUID.randomUUID();
        JsonPath strict = completed(strictRun, commit(Map.of("k8s/agent.yaml", app, ".sluice.yaml", settings)));

        assertThat(strict.getBoolean("passed")).isFalse();
        assertThat(strict.getInt("counts.error")).isZero();
        assertThat(strict.getString("summary")).startsWith("warnings fail the gate (failOnWarnings): k8s/agent.yaml:");
        assertThat(strict.getString("summary")).doesNotContain("latest");
        // run-as-non-root lowered to info: reported as info, counted as info, so it does not fail the gate
        JsonNode report = stored(strictRun, StageReport.VALIDATION);
        assertThat(severities(report, "run-as-non-root")).containsExactly("info");
        assertThat(strict.getInt("counts.info")).isEqualTo(passing.getInt("counts.info") + 1);
        assertThat(strict.getString("summary")).doesNotContain("runAsNonRoot");
        assertThat(severities(report, "image-tag")).isEmpty();
        JsonNode sarif = stored(strictRun, SarifReport.STAGE);
        assertThat(sarif.at("/runs/0/results")).anySatisfy(r -> {
            assertThat(r.get("ruleId").asText()).isEqualTo("run-as-non-root");
            assertThat(r.get("level").asText()).isEqualTo("note");
        });
    }

    private static List<String> severities(JsonNode report, String ruleId) {
        List<String> found = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("ruleId").asText().equals(ruleId)) {
                found.add(f.get("severity").asText());
            }
        });
        return found;
    }
}
