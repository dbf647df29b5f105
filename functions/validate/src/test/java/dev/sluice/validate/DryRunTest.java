package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.report.StageReport;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * With a cluster configured, every object goes through a server-side apply with dryRun=All and the cluster's
 * refusals become findings. The fabric8 mock server ignores dryRun, so the test sets what it answers and asserts
 * on the requests it got.
 */
@QuarkusTest
@TestProfile(DryRunTest.ClusterConfigured.class)
@WithKubernetesTestServer(crud = false)
@QuarkusTestResource(PostgresTestResource.class)
class DryRunTest {
    public static class ClusterConfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.validate.dry-run.enabled", "true");
        }
    }

    private static final String CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {mode: fast}\n";
    private static final String SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app.kubernetes.io/name: web}\n"
            + "spec:\n  ports: [{port: 80}]\n";

    @KubernetesTestServer
    KubernetesServer server;

    private TestRepository repo;

    @AfterEach
    void close() {
        if (repo != null) {
            repo.close();
        }
    }

    @Test
    void aRefusalOfTheClusterIsAnErrorAndEveryObjectWasSentAsADryRunApply() throws Exception {
        server.expect().patch().withPath("/api/v1/namespaces/shop/configmaps/settings?fieldManager=sluice&dryRun=All&force=true")
                .andReturn(200, Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", "settings"))).once();
        server.expect().patch().withPath("/api/v1/namespaces/shop/services/web?fieldManager=sluice&dryRun=All&force=true")
                .andReturn(422, new StatusBuilder().withStatus("Failure").withReason("Invalid").withCode(422)
                        .withMessage("Service \"web\" is invalid: spec.ports[0].port: Invalid value: 80: provided port is already allocated")
                        .build()).once();
        repo = TestRepository.create();
        String sha = repo.commit("app", Map.of("k8s/a-config.yaml", CONFIG, "k8s/b-service.yaml", SERVICE));
        UUID runId = UUID.randomUUID();
        int before = server.getKubernetesMockServer().getRequestCount();

        Response r = ValidationRequests.post(runId, repo.url(), sha);

        r.then().statusCode(200);
        assertThat(r.header("ce-type")).isEqualTo(EventTypes.VALIDATION_COMPLETED);
        JsonPath body = r.jsonPath();
        assertThat(body.getBoolean("passed")).isFalse();
        assertThat(body.getString("summary")).isEqualTo("k8s/b-service.yaml:1: Service web: the cluster refuses it: "
                + "Service \"web\" is invalid: spec.ports[0].port: Invalid value: 80: provided port is already allocated");
        assertThat(server.getKubernetesMockServer().getRequestCount() - before).isEqualTo(2);
        RecordedRequest last = server.getLastRequest();
        assertThat(last.getMethod()).isEqualTo("PATCH");
        assertThat(last.getPath()).contains("dryRun=All").contains("fieldManager=sluice");
        assertThat(last.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        String json = QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, StageReport.VALIDATION).report);
        var report = EventCodec.json().readTree(json);
        assertThat(report.get("rules")).anySatisfy(id -> assertThat(id.asText()).isEqualTo("dry-run"));
        assertThat(report.get("dryRun").asText()).startsWith("server-side dry-run (dryRun=All) against http");
        assertThat(report.at("/countsByCategory/dry-run").asInt()).isEqualTo(1);
    }

    @Test
    void theCausesOfA422AreAppendedToTheRefusal() throws Exception {
        server.expect().patch().withPath("/api/v1/namespaces/shop/configmaps/settings?fieldManager=sluice&dryRun=All&force=true")
                .andReturn(200, Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", "settings"))).once();
        server.expect().patch().withPath("/api/v1/namespaces/shop/services/web?fieldManager=sluice&dryRun=All&force=true")
                .andReturn(422, new StatusBuilder().withStatus("Failure").withReason("Invalid").withCode(422)
                        .withMessage("Service \"web\" is invalid")
                        .withNewDetails().withName("web").withKind("Service")
                        .addNewCause().withField("spec.ports[0].port").withReason("FieldValueInvalid")
                        .withMessage("Invalid value: 80: provided port is already allocated").endCause()
                        .addNewCause().withField("spec.clusterIP").withReason("FieldValueInvalid")
                        .withMessage("Invalid value: \"10.0.0.1\": field is immutable").endCause()
                        .endDetails().build()).once();
        repo = TestRepository.create();
        String sha = repo.commit("app", Map.of("k8s/a-config.yaml", CONFIG, "k8s/b-service.yaml", SERVICE));

        Response r = ValidationRequests.post(UUID.randomUUID(), repo.url(), sha);

        r.then().statusCode(200);
        assertThat(r.jsonPath().getBoolean("passed")).isFalse();
        assertThat(r.jsonPath().getString("summary")).isEqualTo("k8s/b-service.yaml:1: Service web: the cluster refuses it: "
                + "Service \"web\" is invalid; spec.ports[0].port: Invalid value: 80: provided port is already allocated; "
                + "spec.clusterIP: Invalid value: \"10.0.0.1\": field is immutable");
    }

    @Test
    void anUnauthorisedOrForbiddenDryRunIsOneWarningAndTheRestIsNotSent() throws Exception {
        for (int code : new int[] {401, 403}) {
            server.expect().patch().withPath("/api/v1/namespaces/shop/configmaps/settings?fieldManager=sluice&dryRun=All&force=true")
                    .andReturn(code, new StatusBuilder().withStatus("Failure").withCode(code)
                            .withReason(code == 401 ? "Unauthorized" : "Forbidden").withMessage(code == 401 ? "Unauthorized"
                                    : "configmaps \"settings\" is forbidden: User \"system:serviceaccount:sluice:validate\" cannot patch resource")
                            .build()).once();
            TestRepository r = TestRepository.create();
            String sha = r.commit("app", Map.of("k8s/a-config.yaml", CONFIG, "k8s/b-service.yaml", SERVICE));
            UUID runId = UUID.randomUUID();
            int before = server.getKubernetesMockServer().getRequestCount();

            Response reply = ValidationRequests.post(runId, r.url(), sha);
            r.close();

            reply.then().statusCode(200);
            assertThat(reply.jsonPath().getBoolean("passed")).as("HTTP %d", code).isTrue();
            assertThat(server.getKubernetesMockServer().getRequestCount() - before).as("requests after HTTP %d", code).isEqualTo(1);
            var report = EventCodec.json().readTree(
                    QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, StageReport.VALIDATION).report));
            var dryRun = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            report.get("findings").forEach(f -> {
                if (f.get("ruleId").asText().equals("dry-run")) {
                    dryRun.add(f);
                }
            });
            assertThat(dryRun).as("HTTP %d", code).singleElement().satisfies(f -> {
                assertThat(f.get("severity").asText()).isEqualTo("warning");
                assertThat(f.get("message").asText()).startsWith("the dry-run could not run against the cluster (HTTP " + code + ")");
            });
        }
    }
}
