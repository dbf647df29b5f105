package dev.sluice.validate;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.manifest.ManifestDocument;

/**
 * Turns manifest documents into Kubernetes objects, reporting what keeps a document from being one: it does
 * not parse, or it lacks apiVersion, kind or metadata.name. A {@code kind: List} (or any {@code *List} kind
 * with items) is expanded into its items. Only complete objects go on to the rules.
 */
public record ManifestObjects(List<ManifestObject> objects, List<ManifestObject> unnamed, List<ManifestFinding> findings) {
    public static final String PARSE = "manifest-parse";
    public static final String REQUIRED_FIELD = "manifest-required-field";

    public static ManifestObjects of(List<ManifestFile> files) {
        List<ManifestObject> objects = new ArrayList<>();
        List<ManifestObject> unnamed = new ArrayList<>();
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestFile file : files) {
            for (ManifestDocument doc : file.documents()) {
                if (!doc.parsed()) {
                    findings.add(new ManifestFinding(PARSE, Severity.ERROR, Category.SCHEMA, null, null, null, doc.file(),
                            doc.line(), null, doc.error(), "fix the YAML/JSON syntax at this line"));
                    continue;
                }
                JsonNode content = doc.content();
                if (isList(content)) {
                    JsonNode items = content.get("items");
                    for (int i = 0; i < items.size(); i++) {
                        add(items.get(i), doc, i, file.positions(), objects, unnamed, findings);
                    }
                } else {
                    add(content, doc, -1, file.positions(), objects, unnamed, findings);
                }
            }
        }
        return new ManifestObjects(List.copyOf(objects), List.copyOf(unnamed), List.copyOf(findings));
    }

    /**
     * The objects the rules look at: the complete ones, and those whose only fault is a missing name, so one
     * push shows every problem of such an object rather than the name first and the rest on the next push.
     */
    public List<ManifestObject> checked() {
        List<ManifestObject> all = new ArrayList<>(objects);
        all.addAll(unnamed);
        return all;
    }

    /** Documents only, without field lines (unit tests, the benchmark's in-memory input). */
    public static ManifestObjects ofDocuments(List<ManifestDocument> documents) {
        return of(List.of(new ManifestFile(null, documents, null)));
    }

    private static boolean isList(JsonNode content) {
        String kind = text(content, "kind");
        return kind != null && kind.endsWith("List") && content.has("items") && content.get("items").isArray();
    }

    private static void add(JsonNode node, ManifestDocument doc, int item, SourcePositions positions,
            List<ManifestObject> objects, List<ManifestObject> unnamed, List<ManifestFinding> findings) {
        String itemLabel = item >= 0 ? " (items[" + item + "] of a List)" : "";
        if (!node.isObject()) {
            ManifestObject where = new ManifestObject(null, null, null, null, doc.file(), doc.line(), item, node, positions);
            findings.add(where.finding(PARSE, Severity.ERROR, Category.SCHEMA, null,
                    "List item items[" + item + "] is not a mapping (an object)", "make every List item a Kubernetes object"));
            return;
        }
        JsonNode metadata = node.get("metadata");
        ManifestObject object = new ManifestObject(text(node, "apiVersion"), text(node, "kind"),
                text(metadata, "namespace"), text(metadata, "name"), doc.file(), doc.line(), item, node, positions);
        List<String> missing = new ArrayList<>();
        if (object.apiVersion() == null) {
            missing.add("apiVersion");
        }
        if (object.kind() == null) {
            missing.add("kind");
        }
        if (object.name() == null) {
            missing.add("metadata.name");
        }
        if (missing.isEmpty()) {
            objects.add(object);
            return;
        }
        if (missing.equals(List.of("metadata.name"))) {
            unnamed.add(object);
        }
        findings.add(object.finding(REQUIRED_FIELD, Severity.ERROR, Category.SCHEMA, null,
                object.label() + itemLabel + " has no " + String.join(", ", missing),
                "every object needs apiVersion, kind and metadata.name to be applied"));
    }

    /** A non-blank scalar field, else null. */
    static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : null;
    }
}
