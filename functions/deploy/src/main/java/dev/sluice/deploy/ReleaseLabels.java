package dev.sluice.deploy;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The labels Sluice puts on every object it deploys, so a cluster's objects can be traced to their release
 * and run (and, later, pruned). They change with every release, so diffs ignore them.
 */
final class ReleaseLabels {
    private ReleaseLabels() {
    }

    static final String RELEASE = "sluice.dev/release";
    static final String RUN = "sluice.dev/run";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String SLUICE = "sluice";
    /** An annotation (a project name is no label value): whose object it is, so pruning leaves another project's alone. */
    static final String PROJECT = "sluice.dev/project";

    private static final int MAX_VALUE = 63;

    /** @param runId null for a rollback, which no run asked for */
    static void apply(ObjectNode labels, String releaseId, UUID runId) {
        labels.put(RELEASE, labelValue(releaseId));
        if (runId == null) {
            labels.remove(RUN);
        } else {
            labels.put(RUN, runId.toString());
        }
        labels.put(MANAGED_BY, SLUICE);
    }

    /** Marks the object as the project's; the project of an environment never changes, so diffs need not ignore it. */
    static void applyProject(ObjectNode metadata, String project) {
        metadata.withObjectProperty("annotations").put(PROJECT, project);
    }

    /** A copy of the object without the labels Sluice sets, for comparing two releases' objects. */
    static ObjectNode without(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        JsonNode labels = copy.path("metadata").path("labels");
        if (labels.isObject()) {
            ((ObjectNode) labels).remove(java.util.List.of(RELEASE, RUN, MANAGED_BY));
        }
        // releases made before projects carry no annotation: not a change of the object
        if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(PROJECT);
            if (annotations.isEmpty()) {
                ((ObjectNode) copy.get("metadata")).remove("annotations");
            }
        }
        return copy;
    }

    /**
     * A label value Kubernetes accepts (63 characters of [A-Za-z0-9-_.], alphanumeric at both ends): an
     * environment name may hold anything, the label must not make the apply fail.
     */
    static String labelValue(String value) {
        String v = value.replaceAll("[^A-Za-z0-9._-]", "-");
        if (v.length() > MAX_VALUE) {
            v = v.substring(v.length() - MAX_VALUE);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }
}
