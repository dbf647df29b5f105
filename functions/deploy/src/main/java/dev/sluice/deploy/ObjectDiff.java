package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import dev.sluice.deploy.ReleasePlan.FieldChange;
import dev.sluice.events.EventCodec;

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

    /**
     * Each changed field with its value before and after (null where it was added or removed), as {@code kubectl diff}
     * shows them. Both objects are the ledger's, so a Secret's values are already fingerprints. The patch's operations
     * are applied one by one to the old object, so a value before is read where that operation found it.
     */
    static List<FieldChange> changes(RenderedObject before, RenderedObject after) {
        JsonNode current = comparable(before);
        JsonNode patch = JsonDiff.asJson(current, comparable(after), FLAGS);
        List<FieldChange> changes = new ArrayList<>();
        for (JsonNode op : patch) {
            String path = op.path("path").asText();
            String kind = op.path("op").asText();
            JsonNode old = kind.equals("add") ? null : current.at(path);
            changes.add(new FieldChange(path, kind, old == null || old.isMissingNode() ? null : old.deepCopy(),
                    kind.equals("remove") ? null : op.get("value")));
            ArrayNode one = EventCodec.json().createArrayNode().add(op);
            current = JsonPatch.apply(one, current);
        }
        return List.copyOf(changes);
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
