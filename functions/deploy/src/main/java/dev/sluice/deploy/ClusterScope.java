package dev.sluice.deploy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.manifest.ManifestDocument;

/**
 * Which kinds live outside any namespace, so rendering never gives them one: the common built-in
 * cluster-scoped kinds, plus the custom kinds whose CustomResourceDefinition in the same release says
 * {@code scope: Cluster}. Any other kind is taken as namespaced.
 */
final class ClusterScope {
    private static final Set<String> BUILT_IN = Set.of(
            "/Namespace", "/PersistentVolume", "/Node",
            "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
            "apiextensions.k8s.io/CustomResourceDefinition",
            "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver", "storage.k8s.io/VolumeAttachment",
            "scheduling.k8s.io/PriorityClass", "node.k8s.io/RuntimeClass",
            "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
            "admissionregistration.k8s.io/MutatingWebhookConfiguration",
            "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
            "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
            "networking.k8s.io/IngressClass", "apiregistration.k8s.io/APIService");

    private final Set<String> kinds;

    private ClusterScope(Set<String> kinds) {
        this.kinds = kinds;
    }

    static ClusterScope of(List<ManifestDocument> docs) {
        Set<String> kinds = new HashSet<>(BUILT_IN);
        for (ManifestDocument d : docs) {
            if (d.parsed() && "CustomResourceDefinition".equals(d.kind())) {
                JsonNode spec = d.content().path("spec");
                if ("Cluster".equals(spec.path("scope").asText())) {
                    kinds.add(spec.path("group").asText() + "/" + spec.path("names").path("kind").asText());
                }
            }
        }
        return new ClusterScope(kinds);
    }

    boolean isClusterScoped(String apiVersion, String kind) {
        return kinds.contains(RenderedObject.groupOf(apiVersion) + "/" + kind);
    }
}
