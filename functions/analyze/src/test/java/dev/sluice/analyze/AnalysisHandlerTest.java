package dev.sluice.analyze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

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

import io.cloudevents.CloudEvent;
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
import dev.sluice.analyze.risk.ChangeSize;
import dev.sluice.analyze.secrets.SecretScan;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AnalysisHandlerTest {
    private static final String ZEROS = "0".repeat(40);
    private static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";

    private TestRepository repo;

    @BeforeEach
    void createRepository() {
        repo = TestRepository.create();
    }

    @AfterEach
    void closeRepository() {
        repo.close();
    }

    @Test
    void ordinaryChangeApprovesWithSettingsResolvedForMainToTheDefaultProductionEnvironment() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n", "src/app.py", "print('hi')\n"));
        String after = repo.commit("greet", Map.of("src/app.py", "print('hello')\nprint('bye')\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after))
                .then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED)
                .header("ce-source", "/sluice/analyze")
                .header("ce-subject", run.toString())
                .body("runId", equalTo(run.toString()))
                .body("attempt", equalTo(1))
                .body("decision", equalTo("APPROVE"))
                .body("factors", hasItem("3 lines changed in 1 file"))
                .body("settings.environment", equalTo("production"))
                .body("settings.namespace", equalTo("default"))
                .body("settings.strategy", equalTo("canary"))
                .body("settings.limits.reviewLines", equalTo(1000));

        JsonNode report = report(run);
        assertThat(report.get("base").asText()).isEqualTo(before);
        assertThat(report.get("head").asText()).isEqualTo(after);
        assertThat(report.get("wholeTree").asBoolean()).isFalse();
        assertThat(report.get("files")).hasSize(1);
        assertThat(report.at("/files/0/path").asText()).isEqualTo("src/app.py");
        assertThat(report.at("/files/0/changeType").asText()).isEqualTo("modified");
        assertThat(report.at("/files/0/added").asInt()).isEqualTo(2);
        assertThat(report.at("/files/0/removed").asInt()).isEqualTo(1);
        assertThat(report.at("/totals/changedLines").asInt()).isEqualTo(3);
        assertThat(report.get("riskScore").asInt()).isLessThan(40);
        assertThat(report.get("confidence").asDouble()).isEqualTo(0.9);
    }

    @Test
    void addedAwsAccessKeyIdRejectsAndTheStoredReportNamesFileAndLineButNeverHoldsTheKey() {
        String before = repo.commit("init", Map.of("config/app.env", "REGION=eu-west-1\n"));
        String after = repo.commit("creds", Map.of("config/app.env",
                "REGION=eu-west-1\nLOG=info\naws_access_key_id = " + AWS_KEY + "\n"));
        UUID run = UUID.randomUUID();

        Response reply = post(run, request(run, "refs/heads/main", before, after));
        reply.then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED)
                .body("decision", equalTo("REJECT"))
                .body("riskScore", equalTo(100))
                .body("factors[0]", equalTo("secret added: AWS access key id at config/app.env:3"));
        assertThat(reply.asString()).doesNotContain(AWS_KEY);

        StageReport stored = storedReport(run);
        assertThat(stored.report).doesNotContain(AWS_KEY).doesNotContain("IOSFODNN7");
        JsonNode report = report(run);
        assertThat(report.get("secrets")).hasSize(1);
        assertThat(report.at("/secrets/0/kind").asText()).isEqualTo("aws-access-key-id");
        assertThat(report.at("/secrets/0/file").asText()).isEqualTo("config/app.env");
        assertThat(report.at("/secrets/0/line").asInt()).isEqualTo(3);
        assertThat(report.at("/secrets/0/fingerprint").asText()).isEqualTo(SecretScan.fingerprint(AWS_KEY)).hasSize(12);
        assertThat(report.at("/factors/0/id").asText()).isEqualTo("secret");
        assertThat(report.at("/factors/0/evidence/0/file").asText()).isEqualTo("config/app.env");
        assertThat(report.at("/factors/0/evidence/0/line").asInt()).isEqualTo(3);
    }

    @Test
    void addedPrivateKeyHeaderRejects() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("key", Map.of("deploy/id_rsa",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after))
                .then().statusCode(200)
                .body("decision", equalTo("REJECT"))
                .body("riskScore", equalTo(100))
                .body("factors[0]", equalTo("secret added: private key at deploy/id_rsa:1"));
        JsonNode report = report(run);
        assertThat(report.at("/secrets/0/kind").asText()).isEqualTo("private-key");
        assertThat(report.at("/secrets/0/line").asInt()).isEqualTo(1);
        assertThat(storedReport(run).report).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAA");
    }

    @Test
    void removingASecretDoesNotReject() {
        String before = repo.commit("leak", Map.of("config/app.env", "KEY=" + AWS_KEY + "\nLOG=info\n"));
        String after = repo.commit("unleak", Map.of("config/app.env", "LOG=info\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after))
                .then().statusCode(200).body("decision", equalTo("APPROVE"));
        assertThat(report(run).get("secrets")).isEmpty();
    }

    @Test
    void changeOverTheConfiguredLineLimitNeedsReviewThoughItsScoreWouldApprove() {
        String before = repo.commit("init", Map.of(".sluice.yaml", "limits: {reviewLines: 5}\n", "notes.txt", "a\n"));
        String after = repo.commit("grow", Map.of("notes.txt", lines(10)));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after))
                .then().statusCode(200)
                .body("decision", equalTo("NEEDS_REVIEW"))
                .body("factors[0]", equalTo("11 lines changed in 1 file, over the review limit of 5"))
                .body("settings.limits.reviewLines", equalTo(5));
        JsonNode report = report(run);
        assertThat(report.get("riskScore").asInt()).isLessThan(40);
        assertThat(report.at("/totals/overReviewLimit").asBoolean()).isTrue();
        assertThat(report.at("/factors/0/forces").asText()).isEqualTo("NEEDS_REVIEW");
    }

    @Test
    void firstPushWithAllZeroBeforeAnalysesTheWholeTree() {
        repo.commit("one", Map.of("README.md", "# shop\n"));
        String after = repo.commit("two", Map.of("src/app.py", "a = 1\nb = 2\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", ZEROS, after))
                .then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED)
                .body("decision", equalTo("APPROVE"))
                .body("confidence", equalTo(0.7f));
        JsonNode report = report(run);
        assertThat(report.get("wholeTree").asBoolean()).isTrue();
        assertThat(report.get("base").isNull()).isTrue();
        assertThat(report.get("wholeTreeReason").asText()).contains("first push");
        assertThat(paths(report)).containsExactly("README.md", "src/app.py");
        assertThat(report.findValuesAsText("changeType")).containsOnly("added");
        assertThat(report.at("/totals/linesAdded").asInt()).isEqualTo(3);
        assertThat(report.get("confidenceNotes").get(0).asText()).startsWith("whole tree analysed");
    }

    @Test
    void beforeThatTheRepositoryDoesNotHoldFallsBackToTheWholeTreeAndSaysSo() {
        String after = repo.commit("one", Map.of("README.md", "# shop\n"));
        String gone = "1234567890abcdef1234567890abcdef12345678";
        UUID run = UUID.randomUUID();
        ObjectNode data = request(run, "refs/heads/main", gone, after);
        data.put("forced", true);

        post(run, data).then().statusCode(200).header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        JsonNode report = report(run);
        assertThat(report.get("wholeTree").asBoolean()).isTrue();
        assertThat(report.get("wholeTreeReason").asText()).contains(gone).contains("forced push");
        assertThat(paths(report)).containsExactly("README.md");
    }

    @Test
    void sluiceYamlWithASyntaxErrorRepliesStepFailedNotRetryableNamingTheLine() {
        String after = repo.commit("bad settings", Map.of(".sluice.yaml",
                "manifests: [k8s/]\nrisk:\n  approveBelow: 40\n\trejectAbove: 75\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", ZEROS, after))
                .then().statusCode(200)
                .header("ce-type", EventTypes.STEP_FAILED)
                .header("ce-source", "/sluice/analyze")
                .header("ce-subject", run.toString())
                .body("stage", equalTo("analysis"))
                .body("retryable", equalTo(false))
                .body("error", containsString(".sluice.yaml"))
                .body("error", containsString("line 4, column 1"))
                .body("error", containsString("cannot start any token"));
        assertThat(storedReport(run)).isNull();
    }

    @Test
    void sluiceYamlWithAnUnusableValueRepliesStepFailedNotRetryableNamingTheValue() {
        String after = repo.commit("bad strategy", Map.of(".sluice.yaml",
                "environments:\n  - name: production\n    branch: main\n    strategy: bluegreen\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", ZEROS, after))
                .then().statusCode(200)
                .header("ce-type", EventTypes.STEP_FAILED)
                .body("retryable", equalTo(false))
                .body("error", containsString("strategy 'bluegreen'"));
    }

    @Test
    void unreachableRepositoryRepliesStepFailedRetryable() {
        UUID run = UUID.randomUUID();
        ObjectNode data = request(run, "refs/heads/main", ZEROS, "a".repeat(40));
        data.put("repositoryUrl", "/nonexistent/sluice-" + UUID.randomUUID());

        post(run, data).then().statusCode(200)
                .header("ce-type", EventTypes.STEP_FAILED)
                .header("ce-subject", run.toString())
                .body("stage", equalTo("analysis"))
                .body("retryable", equalTo(true))
                .body("error", containsString("/nonexistent/sluice-"));
    }

    @Test
    void refThatMapsToNoEnvironmentResolvesSettingsWithEnvironmentNull() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("more", Map.of("README.md", "# shop\nmore\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/feature/x", before, after))
                .then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED)
                .body("settings.environment", nullValue())
                .body("settings.namespace", nullValue())
                .body("settings.risk.approveBelow", equalTo(40));
    }

    @Test
    void missingAfterIsRefusedWith400JsonNamingTheField() {
        UUID run = UUID.randomUUID();
        ObjectNode data = request(run, "refs/heads/main", ZEROS, "a".repeat(40));
        data.remove("after");

        post(run, data).then().statusCode(400)
                .contentType("application/json")
                .body("error", containsString("after"))
                .body("status", equalTo(400));
    }

    @Test
    void afterThatIsNotAShaIsRefusedWith400() {
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", ZEROS, "main"))
                .then().statusCode(400).contentType("application/json")
                .body("error", containsString("after must be a 40-hex commit sha"));
    }

    @Test
    void missingRunIdAndMissingRepositoryUrlAreRefusedWith400() {
        ObjectNode noRun = request(UUID.randomUUID(), "refs/heads/main", ZEROS, "a".repeat(40));
        noRun.remove("runId");
        post(UUID.randomUUID(), noRun).then().statusCode(400).body("error", containsString("runId"));

        ObjectNode noUrl = request(UUID.randomUUID(), "refs/heads/main", ZEROS, "a".repeat(40));
        noUrl.remove("repositoryUrl");
        post(UUID.randomUUID(), noUrl).then().statusCode(400).body("error", containsString("repositoryUrl"));
    }

    @Test
    void nonJsonDataIsRefusedWith400Json() {
        Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, UUID.randomUUID().toString(), "/sluice/route", null,
                "this is { not json")
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", containsString("not valid JSON"));
    }

    @Test
    void sameEventPostedTwiceGetsTheIdenticalReplyAndStoresOneReport() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("more", Map.of("README.md", "# shop\nmore\n"));
        UUID run = UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        String data = request(run, "refs/heads/main", before, after).toString();

        Response first = Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, id, "/sluice/route", run.toString(), data);
        Response second = Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, id, "/sluice/route", run.toString(), data);

        first.then().statusCode(200);
        second.then().statusCode(200);
        assertThat(second.header("ce-id")).isEqualTo(first.header("ce-id"));
        assertThat(second.asString()).isEqualTo(first.asString());
        long reports = QuarkusTransaction.requiringNew().call(
                () -> StageReport.count("runId = ?1 and stage = ?2", run, StageReport.ANALYSIS));
        assertThat(reports).isEqualTo(1);
    }

    @Test
    void structuredRequestGetsAStructuredReply() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("more", Map.of("README.md", "# shop\nmore\n"));
        UUID run = UUID.randomUUID();

        Response reply = Events.postSignedStructured("/", EventTypes.ANALYSIS_REQUESTED, UUID.randomUUID().toString(),
                "/sluice/route", null, request(run, "refs/heads/main", before, after).toString());
        reply.then().statusCode(200).contentType(containsString("application/cloudevents+json"));
        CloudEvent event = EventCodec.fromStructured(reply.asString());
        assertThat(event.getType()).isEqualTo(EventTypes.ANALYSIS_COMPLETED);
        assertThat(event.getSource().toString()).isEqualTo("/sluice/analyze");
        assertThat(event.getSubject()).isEqualTo(run.toString());
        assertThat(EventCodec.dataTree(event).get("decision").asText()).isEqualTo("APPROVE");
    }

    @Test
    void renameIsReportedWithItsOldPathAndABinaryFileIsFlaggedAndLowersConfidence() {
        String body = lines(20);
        Map<String, String> init = new LinkedHashMap<>();
        init.put("docs/old-name.md", body);
        String before = repo.commit("init", init);
        Map<String, String> change = new LinkedHashMap<>();
        change.put("docs/old-name.md", null);
        change.put("docs/new-name.md", body);
        change.put("assets/logo.png", "\u0000\u0001\u0002PNG\u0000binary");
        String after = repo.commit("rename and logo", change);
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("confidence", equalTo(0.8f));
        JsonNode report = report(run);
        assertThat(paths(report)).containsExactly("assets/logo.png", "docs/new-name.md");
        JsonNode logo = report.at("/files/0");
        assertThat(logo.get("changeType").asText()).isEqualTo("added");
        assertThat(logo.get("binary").asBoolean()).isTrue();
        JsonNode renamed = report.at("/files/1");
        assertThat(renamed.get("changeType").asText()).isEqualTo("renamed");
        assertThat(renamed.get("oldPath").asText()).isEqualTo("docs/old-name.md");
        assertThat(renamed.get("added").asInt()).isZero();
        assertThat(report.at("/totals/binaryFiles").asInt()).isEqualTo(1);
    }

    @Test
    void riskyPathsRaiseTheScoreAndTheSettingsThresholdsDecide() {
        String before = repo.commit("init", Map.of(".sluice.yaml", "risk: {approveBelow: 10, rejectAbove: 30}\n",
                "README.md", "# shop\n"));
        String after = repo.commit("pipeline and schema", Map.of(
                ".github/workflows/ci.yml", "on: push\n",
                "src/main/resources/db/migration/V2__orders.sql", "create table orders (id int);\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("REJECT"))
                .body("factors", hasItem("CI configuration changed: .github/workflows/ci.yml"))
                .body("factors", hasItem("database migrations changed: src/main/resources/db/migration/V2__orders.sql"));
        JsonNode report = report(run);
        assertThat(report.findValuesAsText("id")).contains("path.ci", "path.migrations").doesNotContain("secret");
        // 15 (CI) + 15 (migrations) + 2 lines of size
        assertThat(report.get("riskScore").asInt()).isEqualTo(30 + ChangeSize.points(2));
    }

    @Test
    void sameInputsGiveTheSameReport() {
        repo.commit("one", Map.of("b.txt", "b\n", "a.txt", "a\n", "k8s/app.yaml", "kind: Service\n"));
        String after = repo.commit("two", Map.of("Dockerfile", "FROM scratch\n", "pom.xml", "<project/>\n",
                "c.env", "K=" + AWS_KEY + "\n"));
        UUID run = UUID.randomUUID();

        post(run, request(run, "refs/heads/main", ZEROS, after)).then().statusCode(200);
        JsonNode first = withoutDuration(report(run));
        post(run, request(run, "refs/heads/main", ZEROS, after)).then().statusCode(200);
        JsonNode second = withoutDuration(report(run));

        assertThat(second).isEqualTo(first);
        assertThat(paths(first)).isSorted();
    }

    private ObjectNode request(UUID run, String ref, String before, String after) {
        return EventCodec.json().valueToTree(new AnalysisRequested(run, 1, repo.url(), ref, before, after, false));
    }

    private static Response post(UUID run, ObjectNode data) {
        return Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, UUID.randomUUID().toString(), "/sluice/route",
                run.toString(), data.toString());
    }

    private static StageReport storedReport(UUID run) {
        return QuarkusTransaction.requiringNew().call(() -> StageReport.latest(run, StageReport.ANALYSIS));
    }

    private static JsonNode report(UUID run) {
        StageReport stored = storedReport(run);
        assertThat(stored).as("stored analysis report of " + run).isNotNull();
        try {
            return EventCodec.json().readTree(stored.report);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> paths(JsonNode report) {
        return report.get("files").findValuesAsText("path");
    }

    private static JsonNode withoutDuration(JsonNode report) {
        ((ObjectNode) report).remove("durationMs");
        return report;
    }

    private static String lines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
    }
}
