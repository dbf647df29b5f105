package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;

/**
 * The fields that differ between an object in the last verified release and in the new one, as JSON
 * Pointers (RFC 6901, e.g. {@code /spec/template/spec/containers/0/image}), ignoring what Sluice itself sets
 * on every release: the release labels and a Knative Service's revision name.
 */
final class ObjectDiff {
    private ObjectDiff() {
    }

    /** Plain add/remove/replace operations: a "move" would name a field that did not change. */
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    static List<String> changedPaths(RenderedObject before, RenderedObject after) {
        JsonNode patch = JsonDiff.asJson(comparable(before), comparable(after), FLAGS);
        List<String> paths = new ArrayList<>();
        for (JsonNode op : patch) {
            String path = op.path("path").asText();
            if (!paths.contains(path)) {
                paths.add(path);
            }
        }
        return List.copyOf(paths);
    }

    private static JsonNode comparable(RenderedObject o) {
        ObjectNode copy = ReleaseLabels.without(o.object());
        if (KnativeRevisions.isKnativeService(o)) {
            JsonNode template = copy.path("spec").path("template");
            if (template.path("metadata") instanceof ObjectNode md) {
                md.remove("name");
                if (md.isEmpty()) {
                    ((ObjectNode) template).remove("metadata");
                }
            }
        }
        return copy;
    }
}
