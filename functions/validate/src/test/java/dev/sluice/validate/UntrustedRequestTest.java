package dev.sluice.validate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.git.GitRepositories;
import dev.sluice.report.StageReport;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** validate fetches only for route's own requests, and only from repositories the allowlist allows. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class UntrustedRequestTest {
    @Inject
    GitRepositories git;

    private static long reports(UUID run) {
        return QuarkusTransaction.requiringNew().call(() -> StageReport.count("runId = ?1", run));
    }

    @Test
    void aForgedValidationRequestNamingAnyRepositoryIsRefusedAndFetchesNothing() throws Exception {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("app", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            UUID run = UUID.randomUUID();
            String data = EventCodec.json().writeValueAsString(ValidationRequests.data(run, repo.url(), sha));
            given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-type", EventTypes.VALIDATION_REQUESTED).header("ce-source", "/sluice/route")
                    .header("ce-subject", run.toString()).body(data).post("/")
                    .then().statusCode(400).contentType(containsString("json")).body("error", containsString("carries no proof"));
            assertThat(git.cacheFolder(repo.url())).as("nothing fetched").doesNotExist();
            assertThat(reports(run)).isZero();
        }
    }

    @Test
    void aSignedRequestForARepositoryTheAllowlistDoesNotAllowFailsWithoutRetryAndFetchesNothing() {
        for (String url : List.of("https://evil.example.org/shop.git", "/srv/private/shop", "file:///etc/shop")) {
            UUID run = UUID.randomUUID();
            ValidationRequests.post(run, url, "a".repeat(40)).then().statusCode(200)
                    .header("ce-type", EventTypes.STEP_FAILED)
                    .body("stage", equalTo("validation"))
                    .body("retryable", equalTo(false))
                    .body("error", containsString("sluice.git.allowed-"));
            assertThat(git.cacheFolder(url)).as("no cache folder (no fetch) for " + url).doesNotExist();
            assertThat(reports(run)).isZero();
        }
    }
}
