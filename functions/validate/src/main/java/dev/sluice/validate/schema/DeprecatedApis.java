package dev.sluice.validate.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * apiVersions the API server no longer serves (or will not for long), with what replaces them. From the
 * Kubernetes "Deprecated API Migration Guide" and Knative's release notes; this is policy knowledge, not schema.
 */
public final class DeprecatedApis {
    private DeprecatedApis() {
    }

    /** {@code replacement} is null when nothing replaces the kind (PodSecurityPolicy). */
    public record Deprecation(String apiVersion, String kind, String replacement, String removedIn) {
    }

    private static final Map<String, Deprecation> BY_KEY = new HashMap<>();

    private static void add(String apiVersion, List<String> kinds, String replacement, String removedIn) {
        for (String kind : kinds) {
            BY_KEY.put(apiVersion + " " + kind, new Deprecation(apiVersion, kind, replacement, removedIn));
        }
    }

    static {
        List<String> workloads = List.of("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision");
        add("extensions/v1beta1", List.of("Deployment", "DaemonSet", "ReplicaSet"), "apps/v1", "Kubernetes 1.16");
        add("extensions/v1beta1", List.of("NetworkPolicy"), "networking.k8s.io/v1", "Kubernetes 1.16");
        add("extensions/v1beta1", List.of("Ingress"), "networking.k8s.io/v1", "Kubernetes 1.22");
        add("extensions/v1beta1", List.of("PodSecurityPolicy"), null, "Kubernetes 1.25");
        add("apps/v1beta1", workloads, "apps/v1", "Kubernetes 1.16");
        add("apps/v1beta2", workloads, "apps/v1", "Kubernetes 1.16");
        add("batch/v1beta1", List.of("CronJob"), "batch/v1", "Kubernetes 1.25");
        add("batch/v2alpha1", List.of("CronJob"), "batch/v1", "Kubernetes 1.21");
        add("policy/v1beta1", List.of("PodDisruptionBudget"), "policy/v1", "Kubernetes 1.25");
        add("policy/v1beta1", List.of("PodSecurityPolicy"), null, "Kubernetes 1.25");
        add("networking.k8s.io/v1beta1", List.of("Ingress", "IngressClass"), "networking.k8s.io/v1", "Kubernetes 1.22");
        add("autoscaling/v2beta1", List.of("HorizontalPodAutoscaler"), "autoscaling/v2", "Kubernetes 1.25");
        add("autoscaling/v2beta2", List.of("HorizontalPodAutoscaler"), "autoscaling/v2", "Kubernetes 1.26");
        List<String> rbac = List.of("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");
        add("rbac.authorization.k8s.io/v1beta1", rbac, "rbac.authorization.k8s.io/v1", "Kubernetes 1.22");
        add("rbac.authorization.k8s.io/v1alpha1", rbac, "rbac.authorization.k8s.io/v1", "Kubernetes 1.22");
        add("apiextensions.k8s.io/v1beta1", List.of("CustomResourceDefinition"), "apiextensions.k8s.io/v1", "Kubernetes 1.22");
        add("admissionregistration.k8s.io/v1beta1", List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
                "admissionregistration.k8s.io/v1", "Kubernetes 1.22");
        add("storage.k8s.io/v1beta1", List.of("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"), "storage.k8s.io/v1",
                "Kubernetes 1.22");
        add("storage.k8s.io/v1beta1", List.of("CSIStorageCapacity"), "storage.k8s.io/v1", "Kubernetes 1.27");
        add("scheduling.k8s.io/v1beta1", List.of("PriorityClass"), "scheduling.k8s.io/v1", "Kubernetes 1.22");
        add("scheduling.k8s.io/v1alpha1", List.of("PriorityClass"), "scheduling.k8s.io/v1", "Kubernetes 1.17");
        add("coordination.k8s.io/v1beta1", List.of("Lease"), "coordination.k8s.io/v1", "Kubernetes 1.22");
        add("certificates.k8s.io/v1beta1", List.of("CertificateSigningRequest"), "certificates.k8s.io/v1", "Kubernetes 1.22");
        add("discovery.k8s.io/v1beta1", List.of("EndpointSlice"), "discovery.k8s.io/v1", "Kubernetes 1.25");
        add("events.k8s.io/v1beta1", List.of("Event"), "events.k8s.io/v1", "Kubernetes 1.25");
        add("node.k8s.io/v1beta1", List.of("RuntimeClass"), "node.k8s.io/v1", "Kubernetes 1.25");
        List<String> flowcontrol = List.of("FlowSchema", "PriorityLevelConfiguration");
        add("flowcontrol.apiserver.k8s.io/v1beta1", flowcontrol, "flowcontrol.apiserver.k8s.io/v1", "Kubernetes 1.26");
        add("flowcontrol.apiserver.k8s.io/v1beta2", flowcontrol, "flowcontrol.apiserver.k8s.io/v1", "Kubernetes 1.29");
        add("flowcontrol.apiserver.k8s.io/v1beta3", flowcontrol, "flowcontrol.apiserver.k8s.io/v1", "Kubernetes 1.32");
        List<String> serving = List.of("Service", "Configuration", "Route", "Revision");
        add("serving.knative.dev/v1alpha1", serving, "serving.knative.dev/v1", "Knative 0.19");
        add("serving.knative.dev/v1beta1", serving, "serving.knative.dev/v1", "Knative 0.19");
        add("eventing.knative.dev/v1beta1", List.of("Broker", "Trigger"), "eventing.knative.dev/v1", "Knative 0.26");
        List<String> sources = List.of("ApiServerSource", "ContainerSource", "PingSource", "SinkBinding");
        add("sources.knative.dev/v1alpha1", sources, "sources.knative.dev/v1", "Knative 0.26");
        add("sources.knative.dev/v1alpha2", sources, "sources.knative.dev/v1", "Knative 0.26");
        add("sources.knative.dev/v1beta1", sources, "sources.knative.dev/v1", "Knative 0.26");
        add("sources.knative.dev/v1beta2", List.of("PingSource"), "sources.knative.dev/v1", "Knative 1.4");
        add("messaging.knative.dev/v1beta1", List.of("Channel", "InMemoryChannel", "Subscription"), "messaging.knative.dev/v1",
                "Knative 0.26");
        add("flows.knative.dev/v1beta1", List.of("Sequence", "Parallel"), "flows.knative.dev/v1", "Knative 0.26");
    }

    /** The deprecation of a kind at an apiVersion, or null when that pair is current. */
    public static Deprecation of(String apiVersion, String kind) {
        return BY_KEY.get(apiVersion + " " + kind);
    }
}
