package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The order a release applies its objects in, so each finds what it refers to already there: namespaces,
 * CRDs, service accounts and RBAC, config and secrets, storage, Services, workloads, Knative Services,
 * eventing objects, then everything else. Objects of the same rank keep their manifest order.
 */
final class ApplyOrder {
    private ApplyOrder() {
    }

    private static final Set<String> EVENTING_GROUPS = Set.of("eventing.knative.dev", "sources.knative.dev",
            "messaging.knative.dev", "flows.knative.dev", "sinks.knative.dev");

    /** Tiers in apply order; within a tier, kinds in the listed order (kinds a tier does not list come after). */
    private static final List<List<String>> TIERS = List.of(
            List.of("/Namespace", "/ResourceQuota", "/LimitRange", "scheduling.k8s.io/PriorityClass"),
            List.of("apiextensions.k8s.io/CustomResourceDefinition"),
            List.of("/ServiceAccount", "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/Role",
                    "rbac.authorization.k8s.io/ClusterRoleBinding", "rbac.authorization.k8s.io/RoleBinding"),
            List.of("/ConfigMap", "/Secret"),
            List.of("storage.k8s.io/StorageClass", "/PersistentVolume", "/PersistentVolumeClaim"),
            List.of("/Service", "networking.k8s.io/NetworkPolicy", "networking.k8s.io/Ingress"),
            List.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "/ReplicationController",
                    "/Pod", "batch/Job", "batch/CronJob", "autoscaling/HorizontalPodAutoscaler", "policy/PodDisruptionBudget"),
            List.of("serving.knative.dev/Service", "serving.knative.dev/Configuration", "serving.knative.dev/Route",
                    "serving.knative.dev/DomainMapping"),
            List.of("eventing.knative.dev/Broker", "messaging.knative.dev/InMemoryChannel", "messaging.knative.dev/Channel",
                    "flows.knative.dev/Sequence", "flows.knative.dev/Parallel", "sources.knative.dev/PingSource",
                    "sources.knative.dev/ApiServerSource", "sources.knative.dev/ContainerSource",
                    "sources.knative.dev/SinkBinding"));

    private static final int SERVING_TIER = 7;
    private static final int EVENTING_TIER = 8;
    private static final int EVERYTHING_ELSE = 9;
    /** Triggers and subscriptions come last among eventing objects: they point at brokers, channels and sinks. */
    private static final Set<String> EVENTING_LAST = Set.of("eventing.knative.dev/Trigger", "messaging.knative.dev/Subscription");

    /**
     * Every kind this order names, as {@code group/Kind} ({@code /Kind} for the core group): what deploy expects a
     * release to hold, and so what {@code knative/rbac.yaml} must let it apply.
     */
    static List<String> namedKinds() {
        List<String> kinds = new ArrayList<>();
        TIERS.forEach(kinds::addAll);
        kinds.addAll(EVENTING_LAST);
        return kinds;
    }

    static final Comparator<RenderedObject> COMPARATOR = Comparator.comparingInt(o -> rank(o.group(), o.kind()));

    static int rank(String group, String kind) {
        String id = group + "/" + kind;
        for (int tier = 0; tier < TIERS.size(); tier++) {
            int position = TIERS.get(tier).indexOf(id);
            if (position >= 0) {
                return tier * 100 + position;
            }
        }
        if ("serving.knative.dev".equals(group)) {
            return SERVING_TIER * 100 + 50;
        }
        if (EVENTING_GROUPS.contains(group)) {
            return EVENTING_TIER * 100 + (EVENTING_LAST.contains(id) ? 90 : 50);
        }
        return EVERYTHING_ELSE * 100;
    }
}
