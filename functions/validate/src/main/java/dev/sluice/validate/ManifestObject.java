package dev.sluice.validate;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One Kubernetes object found in the manifests: a document, or an item of a {@code kind: List} document
 * ({@code item} is its index there, else -1). {@code line} is where its document starts; {@code positions}
 * (null in unit tests) gives the line of each field.
 */
public record ManifestObject(String apiVersion, String kind, String namespace, String name, String file, int line,
        int item, JsonNode content, SourcePositions positions) {

    public ManifestObject(String apiVersion, String kind, String namespace, String name, String file, int line,
            int item, JsonNode content) {
        this(apiVersion, kind, namespace, name, file, line, item, content, null);
    }

    /** The API group: "" for the core group ("v1"), "apps" for "apps/v1". */
    public String group() {
        if (apiVersion == null) {
            return null;
        }
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The node at a JSON pointer such as "/spec/template/spec", or a missing node. */
    public JsonNode at(String pointer) {
        return content == null ? MissingNode.getInstance() : content.at(pointer);
    }

    /** The line of the field at {@code pointer}, else of its nearest parent that is written, else the document's. */
    public int lineOf(String pointer) {
        if (positions == null) {
            return line;
        }
        pointer = pointer == null ? "" : pointer;
        String prefix = item >= 0 ? "/items/" + item : "";
        for (String p = pointer; !p.isEmpty(); p = p.substring(0, Math.max(0, p.lastIndexOf('/')))) {
            int l = positions.line(line, prefix + p);
            if (l > 0) {
                return l;
            }
        }
        int l = item >= 0 ? positions.line(line, prefix) : -1;
        return l > 0 ? l : line;
    }

    /** "spec.template.spec.containers[0].image" for "/spec/template/spec/containers/0/image". */
    public static String path(String pointer) {
        if (pointer == null || pointer.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String part : pointer.substring(1).split("/", -1)) {
            String p = part.replace("~1", "/").replace("~0", "~");
            if (!p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
                out.append('[').append(p).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(p.contains(".") || p.contains("/") ? "\"" + p + "\"" : p);
            }
        }
        return out.toString();
    }

    /** "file:line", naming the List item when there is one. */
    public String where() {
        return file + ":" + line + (item >= 0 ? " (items[" + item + "])" : "");
    }

    /** "Deployment shop/web", for messages. */
    public String label() {
        String k = kind == null ? "object" : kind;
        if (name == null) {
            return k;
        }
        return k + " " + (namespace == null ? name : namespace + "/" + name);
    }

    /** The object's labels (or those at another pointer), as strings. */
    public Map<String, String> labels(String pointer) {
        Map<String, String> labels = new TreeMap<>();
        JsonNode n = at(pointer);
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : ""));
        }
        return labels;
    }

    public String annotation(String key) {
        JsonNode v = at("/metadata/annotations").get(key);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    /** A finding about this object as a whole (at the line its document starts). */
    public ManifestFinding finding(String ruleId, Severity severity, String message, String remediation) {
        return finding(ruleId, severity, Category.POLICY, null, message, remediation);
    }

    /** A finding about one field of this object, at that field's line. */
    public ManifestFinding finding(String ruleId, Severity severity, Category category, String pointer, String message,
            String remediation) {
        return new ManifestFinding(ruleId, severity, category, kind, namespace, name, file, lineOf(pointer), path(pointer),
                message, remediation);
    }
}
