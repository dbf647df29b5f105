package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import dev.sluice.events.EventCodec;
import dev.sluice.manifest.ManifestSet;

/**
 * The requests deploy sends a real cluster, which fabric8's CRUD mock cannot serve: server-side apply (PATCH with
 * application/apply-patch+yaml, field manager "sluice", forced), the traffic JSON Patch, custom kinds addressed
 * through their CRD or API discovery. Checked against the mock server in expectations mode.
 */
@EnableKubernetesMockClient(crud = false)
class ServerSideApplyTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    final ClusterObjects cluster = new ClusterObjects(client, ClusterObjects.ApplyMethod.SERVER_SIDE);

    @Test
    void anObjectIsServerSideAppliedWithFieldManagerSluiceForcedAndWithoutServerOwnedFields() throws Exception {
        server.expect().patch().withPath("/api/v1/namespaces/shop/configmaps/settings?fieldManager=sluice&force=true")
                .andReturn(200, new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace("shop").endMetadata().build())
                .once();
        ObjectNode cm = object("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop","resourceVersion":"42",
                 "uid":"abc","labels":{"sluice.dev/release":"prod-7","app.kubernetes.io/managed-by":"sluice"}},
                 "data":{"mode":"fast"},"status":{"stale":true}}""");

        cluster.apply(cm, ClusterScope.of(List.of()));

        RecordedRequest request = server.getLastRequest();
        assertThat(request.getMethod()).isEqualTo("PATCH");
        assertThat(request.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        JsonNode body = EventCodec.json().readTree(request.getBody().readUtf8());
        assertThat(body.path("metadata").path("labels").path("sluice.dev/release").asText()).isEqualTo("prod-7");
        assertThat(body.path("data").path("mode").asText()).isEqualTo("fast");
        assertThat(body.has("status")).isFalse();
        assertThat(body.path("metadata").has("resourceVersion")).isFalse();
        assertThat(body.path("metadata").has("uid")).isFalse();
    }

    @Test
    void aKnativeServiceIsAppliedToTheServingApi() throws Exception {
        server.expect().patch().withPath("/apis/serving.knative.dev/v1/namespaces/shop/services/hello?fieldManager=sluice&force=true")
                .andReturn(200, "{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"hello\"}}")
                .once();

        cluster.apply(object("""
                {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello","namespace":"shop"},
                 "spec":{"template":{"metadata":{"name":"hello-prod-7"},"spec":{"containers":[{"image":"hello:2"}]}},
                 "traffic":[{"revisionName":"hello-prod-6","percent":100},{"revisionName":"hello-prod-7","percent":0,"tag":"canary"}]}}"""),
                ClusterScope.of(List.of()));

        RecordedRequest request = server.getLastRequest();
        assertThat(request.getPath()).isEqualTo("/apis/serving.knative.dev/v1/namespaces/shop/services/hello?fieldManager=sluice&force=true");
        JsonNode body = EventCodec.json().readTree(request.getBody().readUtf8());
        assertThat(body.path("spec").path("template").path("metadata").path("name").asText()).isEqualTo("hello-prod-7");
        assertThat(body.path("spec").path("traffic").get(1).path("tag").asText()).isEqualTo("canary");
    }

    @Test
    void trafficChangesInOneJsonPatchThatReplacesTheWholeTrafficBlock() throws Exception {
        // fabric8 reads the Service before patching it.
        server.expect().get().withPath("/apis/serving.knative.dev/v1/namespaces/shop/services/hello")
                .andReturn(200, "{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"hello\"}}")
                .once();
        server.expect().patch().withPath("/apis/serving.knative.dev/v1/namespaces/shop/services/hello?fieldManager=sluice")
                .andReturn(200, "{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"hello\"}}")
                .once();

        cluster.setTraffic("shop", "hello", CanaryTraffic.split(new ServiceRevision("shop", "hello", "hello-prod-7", "hello-prod-6"), 25));

        RecordedRequest request = server.getLastRequest();
        assertThat(request.getMethod()).isEqualTo("PATCH");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json-patch+json");
        assertThat(request.getBody().readUtf8()).isEqualTo("[{\"op\":\"add\",\"path\":\"/spec/traffic\",\"value\":["
                + "{\"revisionName\":\"hello-prod-6\",\"percent\":75},"
                + "{\"revisionName\":\"hello-prod-7\",\"percent\":25,\"tag\":\"canary\"}]}]");
    }

    @Test
    void aCustomKindWhoseCrdIsInTheReleaseIsAppliedToThePluralTheCrdNames() throws Exception {
        server.expect().patch().withPath("/apis/acme.dev/v1/namespaces/shop/widgets/gear?fieldManager=sluice&force=true")
                .andReturn(200, "{\"apiVersion\":\"acme.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"gear\"}}").once();
        ClusterScope scope = ClusterScope.of(ManifestSet.parse("k8s/crd.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.acme.dev}
                spec:
                  group: acme.dev
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets}
                """.getBytes(StandardCharsets.UTF_8)));

        cluster.apply(object("{\"apiVersion\":\"acme.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"gear\",\"namespace\":\"shop\"}}"),
                scope);

        assertThat(server.getLastRequest().getPath()).isEqualTo("/apis/acme.dev/v1/namespaces/shop/widgets/gear?fieldManager=sluice&force=true");
    }

    @Test
    void theScopeOfACustomKindInstalledElsewhereComesFromApiDiscovery() {
        server.expect().get().withPath("/apis/tenancy.acme.dev/v1")
                .andReturn(200, new APIResourceListBuilder().withGroupVersion("tenancy.acme.dev/v1")
                        .withResources(new APIResourceBuilder().withName("tenants").withKind("Tenant").withNamespaced(false).build())
                        .build())
                .always();
        RenderedObject tenant = new RenderedObject("tenancy.acme.dev/v1", "Tenant", "shop", "blue", "k8s/t.yaml", 1,
                object("{\"apiVersion\":\"tenancy.acme.dev/v1\",\"kind\":\"Tenant\",\"metadata\":{\"name\":\"blue\"}}"));
        RenderedObject unknown = new RenderedObject("nowhere.acme.dev/v1", "Ghost", "shop", "boo", "k8s/g.yaml", 1,
                object("{\"apiVersion\":\"nowhere.acme.dev/v1\",\"kind\":\"Ghost\",\"metadata\":{\"name\":\"boo\"}}"));
        RenderedObject configMap = new RenderedObject("v1", "ConfigMap", "shop", "a", "k8s/a.yaml", 1,
                object("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}"));

        assertThat(cluster.clusterScoped(tenant, ClusterScope.of(List.of()))).isTrue();
        assertThat(cluster.clusterScoped(configMap, ClusterScope.of(List.of()))).isFalse();
        assertThatThrownBy(() -> cluster.clusterScoped(unknown, ClusterScope.of(List.of())))
                .isInstanceOf(ClusterObjects.UnknownKind.class)
                .hasMessageContaining("Ghost");
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) EventCodec.json().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
