package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.requested;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.git.GitRepositories;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** deploy records a release only for route's own requests, and reads only repositories the allowlist allows. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class UntrustedRequestTest {
    @Inject
    GitRepositories git;

    @Test
    void aForgedDeploymentRequestRecordsNoRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("cm", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            UUID run = UUID.randomUUID();
            String env = environment("forged");
            given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-type", EventTypes.DEPLOYMENT_REQUESTED).header("ce-source", "/sluice/route")
                    .header("ce-subject", run.toString()).body(requested(run, 1, repo.url(), env, "shop", sha)).post("/")
                    .then().statusCode(400).contentType(containsString("json")).body("error", containsString("carries no proof"));
            assertThat(ledger(env)).isEmpty();
            assertThat(git.cacheFolder(repo.url())).as("nothing fetched").doesNotExist();

            // the same request as route signs it is deployed (plan mode): the refusal was the proof, nothing else
            postRequested(run, repo.url(), env, "shop", sha).then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            assertThat(ledger(env)).hasSize(1);
        }
    }

    @Test
    void aSignedRequestForARepositoryTheAllowlistDoesNotAllowFailsWithoutRetryAndRecordsNoRelease() {
        for (String url : List.of("https://evil.example.org/shop.git", "/srv/private/shop")) {
            String env = environment("not-allowed");
            postRequested(UUID.randomUUID(), url, env, "shop", "a".repeat(40)).then().statusCode(200)
                    .header("ce-type", EventTypes.STEP_FAILED)
                    .body("stage", equalTo("deployment"))
                    .body("retryable", equalTo(false))
                    .body("error", containsString("sluice.git.allowed-"));
            assertThat(ledger(env)).isEmpty();
            assertThat(git.cacheFolder(url)).as("no cache folder (no fetch) for " + url).doesNotExist();
        }
    }
}
