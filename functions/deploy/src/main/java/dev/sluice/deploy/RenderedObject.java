package dev.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kubernetes object as a release applies it, with the manifest file and line it came from (absent for
 * objects read back from the ledger). Identity is group, kind, namespace and name: a new apiVersion of
 * the same object is a change, not a new object.
 */
public record RenderedObject(String apiVersion, String kind, String namespace, String name, String file, Integer line,
        ObjectNode object) {

    /** An object read back from a release's stored objects. */
    static RenderedObject stored(JsonNode node) {
        ObjectNode o = (ObjectNode) node;
        JsonNode md = o.path("metadata");
        return new RenderedObject(o.path("apiVersion").asText(), o.path("kind").asText(),
                md.hasNonNull("namespace") ? md.get("namespace").asText() : null, md.path("name").asText(), null, null, o);
    }

    /** The API group: "" for the core group (apiVersion "v1"). */
    public String group() {
        return groupOf(apiVersion);
    }

    static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String key() {
        return group() + "/" + kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }

    /** "Deployment shop/frontend" or "ClusterRole reader", for messages. */
    public String describe() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }
}
