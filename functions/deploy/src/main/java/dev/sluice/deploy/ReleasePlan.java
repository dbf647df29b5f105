package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a release changes in its environment, compared with the environment's last verified release: each
 * object in apply order with its action (and, for a change, the changed field paths), and the objects of
 * the last release that the new one no longer has: pruned once the release is verified when the environment sets
 * {@code prune: true} ({@link Pruning}), else left in the cluster.
 */
public record ReleasePlan(String previousReleaseId, Counts counts, List<PlannedObject> objects,
        List<ObjectRef> wouldPrune, List<SkippedDocument> skipped) {

    public enum Action {
        CREATE, CHANGE, UNCHANGED
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlannedObject(int order, String apiVersion, String kind, String namespace, String name, String file,
            Integer line, Action action, List<String> changedPaths, List<FieldChange> changes) {
    }

    /**
     * One changed field of an object: its JSON Pointer, the patch operation (add, remove, replace) and its value before
     * and after (absent where the field was added or removed); Secret values are fingerprints on both sides.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldChange(String path, String op, JsonNode before, JsonNode after) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObjectRef(String apiVersion, String kind, String namespace, String name) {
    }

    public record Counts(int create, int change, int unchanged, int wouldPrune, int skipped) {
    }

    /**
     * @param previousId the last verified release, or null for an environment's first release
     * @param previous that release's objects (empty for a first release)
     */
    static ReleasePlan between(String previousId, List<RenderedObject> previous, EnvironmentRendering.Rendered now) {
        Map<String, RenderedObject> before = new LinkedHashMap<>();
        previous.forEach(o -> before.put(o.key(), o));
        List<PlannedObject> planned = new ArrayList<>();
        int create = 0;
        int change = 0;
        int unchanged = 0;
        for (RenderedObject o : now.objects()) {
            RenderedObject old = before.remove(o.key());
            Action action;
            List<String> paths = null;
            List<FieldChange> changes = null;
            if (old == null) {
                action = Action.CREATE;
                create++;
            } else {
                changes = ObjectDiff.changes(old, o);
                action = changes.isEmpty() ? Action.UNCHANGED : Action.CHANGE;
                if (changes.isEmpty()) {
                    unchanged++;
                    changes = null;
                } else {
                    change++;
                    paths = changes.stream().map(FieldChange::path).distinct().toList();
                }
            }
            planned.add(new PlannedObject(planned.size() + 1, o.apiVersion(), o.kind(), o.namespace(), o.name(), o.file(),
                    o.line(), action, paths, changes));
        }
        List<ObjectRef> prune = before.values().stream()
                .map(o -> new ObjectRef(o.apiVersion(), o.kind(), o.namespace(), o.name())).toList();
        return new ReleasePlan(previousId, new Counts(create, change, unchanged, prune.size(), now.skipped().size()),
                List.copyOf(planned), prune, now.skipped());
    }

    /** "2 to create, 1 to change, 0 unchanged", and what would be pruned or was skipped when there is any. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(counts.create()).append(" to create, ").append(counts.change()).append(" to change, ")
                .append(counts.unchanged()).append(" unchanged");
        if (counts.wouldPrune() > 0) {
            s.append(", ").append(counts.wouldPrune()).append(" would be pruned");
        }
        if (counts.skipped() > 0) {
            s.append(", ").append(counts.skipped()).append(counts.skipped() == 1 ? " document" : " documents")
                    .append(" skipped");
        }
        return s.toString();
    }
}
