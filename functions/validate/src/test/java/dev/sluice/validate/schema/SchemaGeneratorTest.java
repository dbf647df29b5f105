package dev.sluice.validate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The committed schema is exactly what the pinned Kubernetes client and Knative models say. Regenerate it after
 * changing their versions with {@code -Dsluice.schema.regenerate=true} on this test.
 */
class SchemaGeneratorTest {
    private static final Path COMMITTED = Path.of("src/main/resources", KubernetesSchemas.RESOURCE);

    @Test
    void theCommittedSchemaIsWhatTheKubernetesClientAndKnativeModelsSay() throws Exception {
        String generated = SchemaGenerator.render(SchemaGenerator.generate());
        if (Boolean.getBoolean("sluice.schema.regenerate")) {
            Files.writeString(COMMITTED, generated);
        }
        assertThat(Files.readString(COMMITTED))
                .as("schema/kubernetes.json is stale: rerun this test with -Dsluice.schema.regenerate=true")
                .isEqualTo(generated);
    }

    @Test
    void theSchemaCoversTheGroupsTheIssueNamesWithRequiredFieldsFromTheApi() throws Exception {
        JsonNode schema = SchemaGenerator.generate();
        assertThat(SchemaGenerator.kindKeys(schema)).contains(
                "kind:v1:Pod", "kind:apps/v1:Deployment", "kind:batch/v1:CronJob", "kind:networking.k8s.io/v1:Ingress",
                "kind:policy/v1:PodDisruptionBudget", "kind:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                "kind:autoscaling/v2:HorizontalPodAutoscaler", "kind:serving.knative.dev/v1:Service",
                "kind:eventing.knative.dev/v1:Trigger", "kind:sources.knative.dev/v1:PingSource");
        JsonNode defs = schema.get("definitions");
        assertThat(defs.at("/V1DeploymentSpec/required").toString()).contains("selector", "template");
        assertThat(defs.at("/V1Container/required").toString()).contains("name");
        assertThat(defs.at("/V1Container/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void theServedKindsOfEachKubernetesVersionIncludeEveryKindTheSchemaChecksAndTheOnesItDoesNot() {
        var served = SchemaGenerator.servedKinds();
        SchemaGenerator.KUBERNETES_KINDS.forEach((apiVersion, kinds) -> assertThat(served.get(apiVersion)).as(apiVersion).containsAll(kinds));
        assertThat(served.get("v1")).contains("Node", "Event", "Binding").doesNotContain("PodBinding", "ServiceAccountToken", "Eviction");
        assertThat(served.get("apps/v1")).containsExactly("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet");
        assertThat(served.get("storage.k8s.io/v1")).contains("CSIDriver", "StorageClass");
        assertThat(served.get("resource.k8s.io/v1")).contains("ResourceClaim"); // GA in Kubernetes 1.34
        assertThat(served).doesNotContainKeys("serving.knative.dev/v1", "extensions/v1beta1");
    }
}
