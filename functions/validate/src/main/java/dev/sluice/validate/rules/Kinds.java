package dev.sluice.validate.rules;

import java.util.Set;

import dev.sluice.validate.ManifestObject;

/** What Sluice needs to know about kinds beyond their schema: scope, and which run pods for long. */
public final class Kinds {
    private Kinds() {
    }

    // Objects of these kinds belong to no namespace, so a namespace written on them does not tell them apart.
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "ClusterRole",
            "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass", "IngressClass",
            "RuntimeClass", "APIService", "CSIDriver", "CSINode", "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "ClusterIssuer", "ClusterTriggerBinding", "ClusterInterceptor", "VolumeAttachment", "FlowSchema",
            "PriorityLevelConfiguration", "CertificateSigningRequest", "PodSecurityPolicy");

    private static final Set<String> LONG_RUNNING = Set.of("Pod", "ReplicationController", "Deployment", "StatefulSet",
            "DaemonSet", "ReplicaSet", "DeploymentConfig");

    public static boolean clusterScoped(ManifestObject o) {
        return CLUSTER_SCOPED.contains(o.kind());
    }

    /** The namespace an object lands in: its own, else the run's (null for cluster-scoped kinds). */
    public static String namespace(ManifestObject o, ValidationScope scope) {
        if (clusterScoped(o)) {
            return null;
        }
        return o.namespace() != null ? o.namespace() : scope.namespace();
    }

    /** Whether the object runs pods that serve until stopped (not a Job, not a Knative Service). */
    public static boolean longRunning(ManifestObject o) {
        return LONG_RUNNING.contains(o.kind()) && PodSpecs.podSpec(o) != null;
    }
}
