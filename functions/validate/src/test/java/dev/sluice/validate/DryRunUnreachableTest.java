package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.report.StageReport;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** A configured cluster that cannot be reached gives one dry-run warning, not an error per object, and the gate still decides. */
@QuarkusTest
@TestProfile(DryRunUnreachableTest.ClusterDown.class)
@QuarkusTestResource(PostgresTestResource.class)
class DryRunUnreachableTest {
    public static class ClusterDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // port 1: nothing listens there, every connection is refused
            return Map.of("sluice.validate.dry-run.enabled", "true",
                    "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:1",
                    "quarkus.kubernetes-client.request-retry-backoff-interval", "10ms");
        }
    }

    @Test
    void anUnreachableClusterIsOneWarningNamingIt() throws Exception {
        String config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {mode: fast}\n";
        String sha;
        UUID runId = UUID.randomUUID();
        Response r;
        try (TestRepository repo = TestRepository.create()) {
            sha = repo.commit("app", Map.of("k8s/a.yaml", config, "k8s/b.yaml", config.replace("settings", "other")));
            long started = System.nanoTime();
            r = ValidationRequests.post(runId, repo.url(), sha);
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms to give up on the cluster").isLessThan(20_000);
        }

        r.then().statusCode(200);
        assertThat(r.jsonPath().getBoolean("passed")).isTrue();
        JsonNode report = EventCodec.json().readTree(
                QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, StageReport.VALIDATION).report));
        List<JsonNode> dryRun = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("ruleId").asText().equals("dry-run")) {
                dryRun.add(f);
            }
        });
        assertThat(dryRun).singleElement().satisfies(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("warning");
            assertThat(f.get("message").asText()).startsWith("the dry-run could not reach the cluster at http://127.0.0.1:1");
        });
    }
}
