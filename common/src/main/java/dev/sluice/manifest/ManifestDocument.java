package dev.sluice.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One YAML/JSON document of a manifest file at a commit: its content, or why it could not be read.
 * {@code line} is 1-based: where the document starts, or where parsing failed.
 */
public record ManifestDocument(String file, int line, int index, JsonNode content, String error) {

    public boolean parsed() {
        return error == null;
    }

    public String apiVersion() {
        return text("apiVersion");
    }

    public String kind() {
        return text("kind");
    }

    public String name() {
        JsonNode md = content == null ? null : content.get("metadata");
        return md != null && md.hasNonNull("name") ? md.get("name").asText() : null;
    }

    public String namespace() {
        JsonNode md = content == null ? null : content.get("metadata");
        return md != null && md.hasNonNull("namespace") ? md.get("namespace").asText() : null;
    }

    public ObjectNode object() {
        return (ObjectNode) content;
    }

    private String text(String field) {
        return content != null && content.hasNonNull(field) && content.get(field).isValueNode() ? content.get(field).asText() : null;
    }

    /** "file:line", for messages. */
    public String where() {
        return file + ":" + line;
    }
}
