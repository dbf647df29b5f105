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

    /** A container of a pod spec; {@code init} for initContainers. */
    public record Container(String name, boolean init, JsonNode node) {
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
            Map.entry("Deployment", new Workload(APPS, TEMPLATE)),
            Map.entry("StatefulSet", new Workload(APPS, TEMPLATE)),
            Map.entry("DaemonSet", new Workload(APPS, TEMPLATE)),
            Map.entry("ReplicaSet", new Workload(APPS, TEMPLATE)),
            Map.entry("Job", new Workload(Set.of("batch"), TEMPLATE)),
            Map.entry("CronJob", new Workload(Set.of("batch"), "/spec/jobTemplate/spec/template/spec")));

    private static final String KNATIVE_SERVING = "serving.knative.dev";

    /** The pod spec of a workload, or null when the object is not one (a core Service, a ConfigMap). */
    public static JsonNode podSpec(ManifestObject object) {
        String group = object.group();
        if (KNATIVE_SERVING.equals(group) && ("Service".equals(object.kind()) || "Configuration".equals(object.kind()))) {
            return objectAt(object, TEMPLATE);
        }
        Workload w = WORKLOADS.get(object.kind());
        return w != null && w.groups().contains(group) ? objectAt(object, w.pointer()) : null;
    }

    /** The containers and init containers of a workload, in declaration order; empty for other objects. */
    public static List<Container> containers(ManifestObject object) {
        JsonNode spec = podSpec(object);
        List<Container> containers = new ArrayList<>();
        if (spec == null) {
            return containers;
        }
        collect(spec.get("initContainers"), true, containers);
        collect(spec.get("containers"), false, containers);
        return containers;
    }

    private static void collect(JsonNode list, boolean init, List<Container> into) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode c : list) {
            if (c.isObject()) {
                JsonNode name = c.get("name");
                into.add(new Container(name != null && name.isValueNode() ? name.asText() : null, init, c));
            }
        }
    }

    private static JsonNode objectAt(ManifestObject object, String pointer) {
        JsonNode n = object.at(pointer);
        return n.isObject() ? n : null;
    }
}
