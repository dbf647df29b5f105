package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.json;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.post;
import static dev.sluice.deploy.DeploymentEvents.requested;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/** What deploy refuses (HTTP 400 with a JSON body naming the problem) and how it answers the same request twice. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DeploymentInputTest {
    /** The namespace of this test: a namespace belongs to the first project (test repository) that deploys there. */
    private final String shop = DeploymentEvents.environment("shop");
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void aRequestWithoutNamespaceIsRefusedWith400NamingTheField() {
        ObjectNode data = (ObjectNode) tree(requested(UUID.randomUUID(), 1, "/tmp/repo", "production", "shop", SHA));
        data.remove("namespace");

        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, data.toString())
                .then().statusCode(400)
                .contentType("application/json")
                .body("status", equalTo(400))
                .body("error", equalTo("data of dev.sluice.deployment.requested is missing 'namespace'"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "runId", "repositoryUrl", "environment", "sha" })
    void aRequestWithoutARequiredFieldIsRefusedWith400NamingIt(String field) {
        ObjectNode data = (ObjectNode) tree(requested(UUID.randomUUID(), 1, "/tmp/repo", "production", "shop", SHA));
        data.put(field, "");

        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, data.toString())
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", equalTo("data of dev.sluice.deployment.requested is missing '" + field + "'"));
    }

    @Test
    void aRunIdThatIsNotAUuidIsRefusedWith400NamingTheField() {
        String data = json(Events.map("runId", "run-7", "attempt", 1, "repositoryUrl", "/tmp/repo",
                "environment", "production", "namespace", "shop", "sha", SHA));

        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, data)
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", containsString("field 'runId'"));
    }

    @Test
    void dataThatIsNotJsonIsRefusedWith400() {
        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, "{not json")
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", containsString("is not valid JSON"));
    }

    @Test
    void anAbbreviatedShaIsRefusedWith400() {
        String data = requested(UUID.randomUUID(), 1, "/tmp/repo", "production", "shop", "0123abc");

        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, data)
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", containsString("'sha' must be a full 40-character commit id"));
    }

    @Test
    void anUnknownStrategyIsRefusedWith400() {
        ObjectNode data = (ObjectNode) tree(requested(UUID.randomUUID(), 1, "/tmp/repo", "production", "shop", SHA));
        data.put("strategy", "blue-green");

        post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), null, data.toString())
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", equalTo("data of dev.sluice.deployment.requested: 'strategy' must be canary, rolling or direct, got 'blue-green'"));
    }

    @Test
    void aCheckWithoutReleaseIdIsRefusedWith400NamingTheField() {
        String data = json(Events.map("runId", UUID.randomUUID().toString(), "attempt", 1));

        post(EventTypes.DEPLOYMENT_CHECK, UUID.randomUUID().toString(), null, data)
                .then().statusCode(400)
                .contentType("application/json")
                .body("error", equalTo("data of dev.sluice.deployment.check is missing 'releaseId'"));
    }

    @Test
    void theSameEventTwiceGetsTheIdenticalReplyAndMakesOneRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("cm", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            String env = environment("twice");
            UUID runId = UUID.randomUUID();
            String eventId = UUID.randomUUID().toString();
            String data = requested(runId, 1, repo.url(), env, shop, sha);

            Response first = post(EventTypes.DEPLOYMENT_REQUESTED, eventId, runId, data);
            Response again = post(EventTypes.DEPLOYMENT_REQUESTED, eventId, runId, data);

            first.then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_COMPLETED);
            again.then().statusCode(200);
            assertThat(again.header("ce-id")).isEqualTo(first.header("ce-id"));
            assertThat(again.header("ce-type")).isEqualTo(first.header("ce-type"));
            assertThat(again.asString()).isEqualTo(first.asString());
            assertThat(ledger(env)).hasSize(1);
        }
    }

    @Test
    void aRepeatedRequestOfTheSameRunAttemptUnderANewEventIdGetsTheSameRelease() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("cm", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            String env = environment("resent");
            UUID runId = UUID.randomUUID();
            String data = requested(runId, 2, repo.url(), env, shop, sha);

            Response first = post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), runId, data);
            Response again = post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), runId, data);

            assertThat(tree(again.asString()).path("releaseId").asText())
                    .isEqualTo(tree(first.asString()).path("releaseId").asText()).isEqualTo(env + "-1");
            assertThat(tree(again.asString()).path("attempt").asInt()).isEqualTo(2);
            assertThat(ledger(env)).hasSize(1);
        }
    }

    @Test
    void aStructuredModeRequestGetsAStructuredModeReply() {
        try (TestRepository repo = TestRepository.create()) {
            String sha = repo.commit("cm", Map.of("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
            UUID runId = UUID.randomUUID();

            Response reply = Events.postSignedStructured("/", EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(),
                    "/sluice/route", runId.toString(), requested(runId, 1, repo.url(), environment("structured"), shop, sha));

            reply.then().statusCode(200).contentType(containsString("application/cloudevents+json"))
                    .body("type", equalTo(EventTypes.DEPLOYMENT_COMPLETED))
                    .body("source", equalTo("/sluice/deploy"))
                    .body("subject", equalTo(runId.toString()))
                    .body("data.outcome", equalTo("VERIFIED"));
        }
    }
}
