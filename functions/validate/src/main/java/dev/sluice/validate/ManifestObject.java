package dev.sluice.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One Kubernetes object found in the manifests: a document, or an item of a {@code kind: List} document
 * ({@code item} is its index there, else -1). {@code line} is where its document starts.
 */
public record ManifestObject(String apiVersion, String kind, String namespace, String name, String file, int line,
        int item, JsonNode content) {

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

    /** A finding about this object. */
    public ManifestFinding finding(String ruleId, Severity severity, String message, String remediation) {
        return new ManifestFinding(ruleId, severity, kind, namespace, name, file, line, message, remediation);
    }
}
