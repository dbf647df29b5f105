package dev.sluice.analyze.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.AnalysisRequested;
import dev.sluice.report.StageReport;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** The decision on top of the measurement: thresholds, the risky paths and their cap, recommendations, confidence. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AnalysisDecisionTest {
    private TestRepository repo;

    @BeforeEach
    void createRepository() {
        repo = TestRepository.create();
    }

    @AfterEach
    void closeRepository() {
        repo.close();
    }

    // --- thresholds

    @Test
    void aScoreAtOrAboveApproveBelowNeedsReviewWithNoFactorForcingIt() {
        String before = repo.commit("init", Map.of(".sluice.yaml", "risk: {approveBelow: 10, rejectAbove: 75}\n",
                "notes.txt", "seed\n"));
        String after = repo.commit("notes", Map.of("notes.txt", lines(40)));
        UUID run = UUID.randomUUID();
        post(run, request(run, before, after)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED)
                .body("decision", equalTo("NEEDS_REVIEW"))
                .body("riskScore", equalTo(ChangeSize.points(41)));
        JsonNode report = report(run);
        assertThat(ChangeSize.points(41)).isGreaterThanOrEqualTo(10);
        assertThat(report.get("factors").findValues("forces")).as("no factor forces the decision").isEmpty();
        assertThat(report.get("factors").findValuesAsText("id")).containsExactly("change-size");
    }

    @Test
    void rejectAboveAndApproveBelowAreStrictBoundsTheirOwnValuesNeedReview() {
        int score = ChangeSize.points(41);
        // (approveBelow, rejectAbove) -> decision for a change of exactly `score`
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(score + ", 75", "NEEDS_REVIEW");
        cases.put((score + 1) + ", 75", "APPROVE");
        cases.put("1, " + score, "NEEDS_REVIEW");
        cases.put("1, " + (score - 1), "REJECT");
        int i = 0;
        for (var c : cases.entrySet()) {
            String before = repo.commit("thresholds " + c.getKey(), Map.of(".sluice.yaml",
                    "risk: {approveBelow: " + c.getKey().split(", ")[0] + ", rejectAbove: " + c.getKey().split(", ")[1] + "}\n",
                    "notes.txt", "seed " + i++ + "\n"));
            String after = repo.commit("notes", Map.of("notes.txt", lines(40)));
            UUID run = UUID.randomUUID();
            post(run, request(run, before, after)).then().statusCode(200)
                    .body("riskScore", equalTo(score))
                    .body("decision", equalTo(c.getValue()));
        }
    }

    @Test
    void pastTheRiskyPathCapTheFactorsReportThePointsTheyCountSoTheWeightsAddUpToTheScore() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("everything at once", Map.of(
                ".github/workflows/ci.yml", "on: push\n",
                "db/migration/V2__orders.sql", "create table orders (id int);\n",
                ".sluice.yaml", "risk: {approveBelow: 40, rejectAbove: 75}\n",
                "Dockerfile", "FROM scratch\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, before, after)).then().statusCode(200);
        JsonNode report = report(run);
        int sum = 0;
        for (JsonNode f : report.get("factors")) {
            sum += f.get("weight").asInt();
        }
        assertThat(sum).isEqualTo(report.get("riskScore").asInt());
        assertThat(report.get("riskScore").asInt()).isEqualTo(RiskyPath.MAX_POINTS + ChangeSize.points(4));
        // 15 + 15 + 15 + 10 = 55: the two heaviest first (ties by id) keep theirs, .sluice.yaml counts the rest
        assertThat(factor(report, "path.ci").get("weight").asInt()).isEqualTo(15);
        assertThat(factor(report, "path.ci").has("cappedFrom")).isFalse();
        assertThat(factor(report, "path.migrations").get("weight").asInt()).isEqualTo(15);
        JsonNode settings = factor(report, "path.settings");
        assertThat(settings.get("weight").asInt()).isEqualTo(10);
        assertThat(settings.get("cappedFrom").asInt()).isEqualTo(15);
        assertThat(settings.get("message").asText()).isEqualTo(
                ".sluice.yaml changed: .sluice.yaml (counts 10 of 15: risky paths together add at most 40)");
        JsonNode container = factor(report, "path.container");
        assertThat(container.get("weight").asInt()).isZero();
        assertThat(container.get("cappedFrom").asInt()).isEqualTo(10);
        assertThat(container.at("/evidence/0/file").asText()).isEqualTo("Dockerfile");
    }

    // --- risky paths

    @Test
    void containerBuildsDependenciesLockFilesSluiceYamlKnativeManifestsAndCiConfigurationAreRiskyPaths() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM eclipse-temurin:17\n");
        files.put("package.json", "{\"name\": \"shop\"}\n");
        files.put("package-lock.json", "{\"lockfileVersion\": 3}\n");
        files.put(".sluice.yaml", "risk: {approveBelow: 40, rejectAbove: 75}\n");
        files.put("knative/service.yaml", knativeService("shop"));
        files.put("ops/serving.yaml", knativeService("shop-ops"));
        files.put("Jenkinsfile", "pipeline { agent any }\n");
        files.put(".gitlab-ci.yml", "test:\n  script: make\n");
        files.put(".github/workflows/build.yml", "on: push\n");
        String after = repo.commit("risky", files);
        UUID run = UUID.randomUUID();
        post(run, request(run, before, after)).then().statusCode(200);
        JsonNode report = report(run);
        assertThat(evidenceFiles(factor(report, "path.container"))).containsExactly("Dockerfile");
        assertThat(evidenceFiles(factor(report, "path.dependencies"))).containsExactly("package-lock.json", "package.json");
        assertThat(evidenceFiles(factor(report, "path.settings"))).containsExactly(".sluice.yaml");
        // one under the manifest paths, one elsewhere that declares a Kubernetes object
        assertThat(evidenceFiles(factor(report, "path.manifests"))).containsExactly("knative/service.yaml", "ops/serving.yaml");
        assertThat(evidenceFiles(factor(report, "path.ci"))).containsExactly(".github/workflows/build.yml", ".gitlab-ci.yml",
                "Jenkinsfile");
        assertThat(report.get("factors").findValuesAsText("id")).doesNotContain("path.migrations", "path.security");
    }

    // --- recommendations and confidence

    @Test
    void theReportRecommendsWhatToDoAboutEachDecisiveFactorMostDecisiveFirst() {
        String before = repo.commit("init", Map.of("src/app.py", "x = 1\n"));
        String after = repo.commit("schema and code", Map.of(
                "src/main/resources/db/migration/V3__prices.sql", "alter table orders add price int;\n",
                "src/app.py", "x = 2\n",
                "docs/aws.md", "AWS_ACCESS_KEY_ID=" + "AKIA" + "ZQ3VW7XK2M4N5P6R <!-- sluice:allow revoked key of the tutorial -->\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, before, after)).then().statusCode(200);
        JsonNode report = report(run);
        assertThat(report.get("factors").findValuesAsText("id")).startsWith("path.migrations", "no-tests");
        List<String> recommendations = new ArrayList<>();
        report.get("recommendations").forEach(r -> recommendations.add(r.asText()));
        assertThat(recommendations).containsExactly(
                "check that the migration is backward compatible with the running version",
                "add or change a test that covers the changed code",
                "1 secret finding(s) allowed: check the reasons still hold");
    }

    @Test
    void codeChangedInALanguageTheImportGraphDoesNotReadLowersConfidenceAndSaysWhy() {
        String before = repo.commit("init", Map.of("lib/cart.rb", "class Cart\nend\n", "app/cart.py", "x = 1\n"));
        String graphed = repo.commit("python", Map.of("app/cart.py", "x = 2\n"));
        String ruby = repo.commit("ruby", Map.of("lib/cart.rb", "class Cart\n  def total; 0; end\nend\n"));

        UUID python = UUID.randomUUID();
        post(python, request(python, before, graphed)).then().statusCode(200).body("confidence", equalTo(0.9f));
        assertThat(report(python).get("confidenceNotes")).isEmpty();

        UUID run = UUID.randomUUID();
        post(run, request(run, graphed, ruby)).then().statusCode(200).body("confidence", equalTo(0.8f));
        JsonNode report = report(run);
        assertThat(report.at("/graph/changedCodeOutsideGraph").asInt()).isEqualTo(1);
        assertThat(report.at("/confidenceNotes/0").asText())
                .isEqualTo("1 changed code file(s) in languages the import graph does not read: their reach is unknown");
    }

    private static String knativeService(String name) {
        return "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n  template:\n"
                + "    spec:\n      containers:\n        - image: shop/" + name + ":1.0\n";
    }

    private static List<String> evidenceFiles(JsonNode factor) {
        return factor.get("evidence").findValuesAsText("file");
    }

    private static JsonNode factor(JsonNode report, String id) {
        for (JsonNode f : report.get("factors")) {
            if (f.get("id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError("no factor " + id + " in " + report.get("factors"));
    }

    private ObjectNode request(UUID run, String before, String after) {
        return EventCodec.json().valueToTree(new AnalysisRequested(run, 1, repo.url(), "refs/heads/main", before, after, false));
    }

    private static Response post(UUID run, ObjectNode data) {
        return Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, UUID.randomUUID().toString(), "/sluice/route",
                run.toString(), data.toString());
    }

    private static JsonNode report(UUID run) {
        StageReport stored = QuarkusTransaction.requiringNew().call(() -> StageReport.latest(run, StageReport.ANALYSIS));
        assertThat(stored).as("stored analysis report of " + run).isNotNull();
        try {
            return EventCodec.json().readTree(stored.report);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String lines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
    }
}
