package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestObject;

/** Where the pod spec sits in each workload kind, and the containers it declares. */
public final class PodSpecs {
    private PodSpecs() {
    }

    /** A container of a pod spec; {@code init} for initContainers; {@code pointer} is where it is in the object. */
    public record Container(String name, boolean init, JsonNode node, String pointer) {
        public String label() {
            return (init ? "init container " : "container ") + (name == null ? "(unnamed)" : name);
        }
    }

    private record Workload(Set<String> groups, String pointer) {
    }

    private static final String TEMPLATE = "/spec/template/spec";
    private static final Set<String> APPS = Set.of("apps", "extensions");

    private static final Map<String, Workload> WORKLOADS = Map.ofEntries(
            Map.entry("Pod", new Workload(Set.of(""), "/spec")),
            Map.entry("ReplicationController", new Workload(Set.of(""), TEMPLATE)),
            Map.entry("PodTemplate", new Workload(Set.of(""), "/template/spec")),
            Map.entry("Deployment", new Workload(APPS, TEMPLATE)),
            Map.entry("StatefulSet", new Workload(APPS, TEMPLATE)),
            Map.entry("DaemonSet", new Workload(APPS, TEMPLATE)),
            Map.entry("ReplicaSet", new Workload(APPS, TEMPLATE)),
            // OpenShift's DeploymentConfig keeps a pod template like a Deployment
            Map.entry("DeploymentConfig", new Workload(Set.of("apps.openshift.io", ""), TEMPLATE)),
            Map.entry("Job", new Workload(Set.of("batch"), TEMPLATE)),
            Map.entry("CronJob", new Workload(Set.of("batch"), "/spec/jobTemplate/spec/template/spec")));

    public static final String KNATIVE_SERVING = "serving.knative.dev";

    /** Where the pod spec of a workload is ("/spec/template/spec"), or null when the object is not a workload. */
    public static String podSpecPointer(ManifestObject object) {
        String group = object.group();
        if (KNATIVE_SERVING.equals(group)) {
            return switch (object.kind()) {
                case "Service", "Configuration" -> TEMPLATE;
                case "Revision" -> "/spec";
                default -> null;
            };
        }
        Workload w = WORKLOADS.get(object.kind());
        return w != null && w.groups().contains(group) ? w.pointer() : null;
    }

    /** Where the pod template's metadata is ("/spec/template/metadata"), or null for a bare Pod or a non-workload. */
    public static String templateMetadataPointer(ManifestObject object) {
        String spec = podSpecPointer(object);
        return spec == null || spec.equals("/spec") ? null : spec.substring(0, spec.length() - "/spec".length()) + "/metadata";
    }

    /** The pod spec of a workload, or null when the object is not one (a core Service, a ConfigMap). */
    public static JsonNode podSpec(ManifestObject object) {
        String pointer = podSpecPointer(object);
        if (pointer == null) {
            return null;
        }
        JsonNode n = object.at(pointer);
        return n.isObject() ? n : null;
    }

    /** Whether the object is a Knative Service, Configuration or Revision (Knative sets probes and more itself). */
    public static boolean isKnative(ManifestObject object) {
        return KNATIVE_SERVING.equals(object.group());
    }

    /** The containers and init containers of a workload, in declaration order; empty for other objects. */
    public static List<Container> containers(ManifestObject object) {
        JsonNode spec = podSpec(object);
        List<Container> containers = new ArrayList<>();
        if (spec == null) {
            return containers;
        }
        String pointer = podSpecPointer(object);
        collect(spec.get("initContainers"), true, pointer + "/initContainers", containers);
        collect(spec.get("containers"), false, pointer + "/containers", containers);
        return containers;
    }

    private static void collect(JsonNode list, boolean init, String pointer, List<Container> into) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            if (c.isObject()) {
                JsonNode name = c.get("name");
                into.add(new Container(name != null && name.isValueNode() ? name.asText() : null, init, c, pointer + "/" + i));
            }
        }
    }
}
