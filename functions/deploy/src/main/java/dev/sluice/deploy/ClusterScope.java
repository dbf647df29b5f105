package dev.sluice.deploy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
    /** group/kind of the custom kinds defined in the same release, with their plural and scope. */
    private final Map<String, ResourceDefinitionContext> defined;

    private ClusterScope(Set<String> kinds, Map<String, ResourceDefinitionContext> defined) {
        this.kinds = kinds;
        this.defined = defined;
    }

    static ClusterScope of(List<ManifestDocument> docs) {
        Set<String> kinds = new HashSet<>(BUILT_IN);
        Map<String, ResourceDefinitionContext> defined = new HashMap<>();
        for (ManifestDocument d : docs) {
            if (d.parsed() && "CustomResourceDefinition".equals(d.kind())) {
                JsonNode spec = d.content().path("spec");
                String id = spec.path("group").asText() + "/" + spec.path("names").path("kind").asText();
                boolean cluster = "Cluster".equals(spec.path("scope").asText());
                if (cluster) {
                    kinds.add(id);
                }
                defined.put(id, new ResourceDefinitionContext.Builder()
                        .withGroup(spec.path("group").asText())
                        .withKind(spec.path("names").path("kind").asText())
                        .withPlural(spec.path("names").path("plural").asText())
                        .withNamespaced(!cluster)
                        .build());
            }
        }
        return new ClusterScope(kinds, defined);
    }

    /**
     * How to address a custom kind whose CRD is in the same release (the cluster cannot be asked: the CRD may
     * not be there yet); empty for any other kind.
     */
    Optional<ResourceDefinitionContext> definedInRelease(String apiVersion, String kind) {
        ResourceDefinitionContext c = defined.get(RenderedObject.groupOf(apiVersion) + "/" + kind);
        if (c == null) {
            return Optional.empty();
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return Optional.of(new ResourceDefinitionContext.Builder().withGroup(c.getGroup()).withVersion(version)
                .withKind(c.getKind()).withPlural(c.getPlural()).withNamespaced(c.isNamespaceScoped()).build());
    }

    boolean isClusterScoped(String apiVersion, String kind) {
        return kinds.contains(RenderedObject.groupOf(apiVersion) + "/" + kind);
    }
}
