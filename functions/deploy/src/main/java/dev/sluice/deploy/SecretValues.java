package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sluice.events.EventCodec;
import dev.sluice.secrets.Credentials;
import dev.sluice.secrets.InstallationKey;

/**
 * Keeps secret values out of the ledger and the reports. Stored as fingerprints (a keyed HMAC-SHA256, so a
 * readable ledger does not let anyone confirm a guessed password offline, and a changed value still shows in the
 * plan): every value of a Secret besides its type (data, stringData, and every annotation, kubectl's
 * last-applied-configuration among them, which holds the whole Secret); in any object, a container env literal
 * the secret scanner calls a credential (common's {@link Credentials}, named by its variable), and any other text
 * field holding one; a last-applied-configuration annotation of another object is redacted as the object it holds.
 * The key is the installation's ({@link LedgerFingerprintKey}); until it is set, one random to this process.
 */
final class SecretValues {
    private SecretValues() {
    }

    static final String PREFIX = "hmac-sha256:";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** A Secret's fields that are no value: everything else (data, stringData, unknown fields) is fingerprinted. */
    private static final Set<String> SECRET_SHAPE = Set.of("apiVersion", "kind", "metadata", "type", "immutable");
    private static volatile SecretKeySpec key = InstallationKey.of(InstallationKey.random());

    static void useKey(byte[] secret) {
        key = InstallationKey.of(secret);
    }

    /** The object itself when it holds no secret value, else a copy whose secret values are fingerprints. */
    static RenderedObject digested(RenderedObject object) {
        ObjectNode copy = object.object().deepCopy();
        if (!redact(copy)) {
            return object;
        }
        return new RenderedObject(object.apiVersion(), object.kind(), object.namespace(), object.name(), object.file(),
                object.line(), copy);
    }

    /** Redacts a Kubernetes object in place; whether anything changed. */
    private static boolean redact(ObjectNode object) {
        if (isSecret(object)) {
            boolean changed = false;
            List<String> fields = new ArrayList<>();
            object.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                if (!SECRET_SHAPE.contains(field)) {
                    changed |= fingerprintAll(object, field);
                }
            }
            if (object.path("metadata").path("annotations") instanceof ObjectNode annotations) {
                List<String> names = new ArrayList<>();
                annotations.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    if (!ReleaseLabels.PROJECT.equals(name)) {
                        changed |= fingerprintAll(annotations, name);
                    }
                }
            }
            return changed;
        }
        return scrub(object);
    }

    private static boolean isSecret(JsonNode object) {
        return "v1".equals(object.path("apiVersion").asText()) && "Secret".equals(object.path("kind").asText());
    }

    /** Replaces every scalar at and under {@code parent.field} by its fingerprint. */
    private static boolean fingerprintAll(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node instanceof ObjectNode o) {
            boolean changed = false;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                changed |= fingerprintAll(o, name);
            }
            return changed;
        }
        if (node instanceof ArrayNode a) {
            boolean changed = false;
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isContainerNode()) {
                    ObjectNode holder = EventCodec.json().createObjectNode().set("v", a.get(i));
                    changed |= fingerprintAll(holder, "v");
                    a.set(i, holder.get("v"));
                } else if (a.get(i).isValueNode() && !a.get(i).isNull() && !fingerprinted(a.get(i).asText())) {
                    a.set(i, fingerprint(a.get(i).asText()));
                    changed = true;
                }
            }
            return changed;
        }
        if (node != null && node.isValueNode() && !node.isNull() && !fingerprinted(node.asText())) {
            parent.put(field, fingerprint(node.asText()));
            return true;
        }
        return false;
    }

    /** Any object: env literals and text fields the scanner flags, and last-applied-configuration, in place. */
    private static boolean scrub(ObjectNode node) {
        boolean changed = false;
        // An env var ({name, value}): the scanner reads it as an assignment to its name.
        if (node.path("name").isTextual() && node.path("value").isTextual()
                && flagged(node.get("name").asText(), node.get("value").asText())) {
            node.put("value", fingerprint(node.get("value").asText()));
            changed = true;
        }
        for (Map.Entry<String, JsonNode> e : iterable(node)) {
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                String redacted = LAST_APPLIED.equals(e.getKey()) ? lastApplied(v.asText()) : scalar(e.getKey(), v.asText());
                if (!redacted.equals(v.asText())) {
                    node.put(e.getKey(), redacted);
                    changed = true;
                }
            } else if (v instanceof ObjectNode o) {
                changed |= scrub(o);
            } else if (v instanceof ArrayNode a) {
                changed |= scrub(e.getKey(), a);
            }
        }
        return changed;
    }

    private static boolean scrub(String name, ArrayNode array) {
        boolean changed = false;
        for (int i = 0; i < array.size(); i++) {
            JsonNode v = array.get(i);
            if (v.isTextual()) {
                String redacted = scalar(name, v.asText());
                if (!redacted.equals(v.asText())) {
                    array.set(i, redacted);
                    changed = true;
                }
            } else if (v instanceof ObjectNode o) {
                changed |= scrub(o);
            } else if (v instanceof ArrayNode a) {
                changed |= scrub(name, a);
            }
        }
        return changed;
    }

    /** A text field: its fingerprint when the scanner flags any of its lines (read as assigned to the field's name). */
    private static String scalar(String name, String value) {
        return !fingerprinted(value) && flagged(name, value) ? fingerprint(value) : value;
    }

    /** The object kubectl recorded, redacted as a stored object is; text that is no object is treated as any field. */
    private static String lastApplied(String json) {
        try {
            JsonNode object = EventCodec.json().readTree(json);
            if (object instanceof ObjectNode o) {
                return redact(o) ? EventCodec.json().writeValueAsString(o) : json;
            }
        } catch (JsonProcessingException e) {
            // not JSON: judged as text below
        }
        return scalar(LAST_APPLIED, json);
    }

    private static boolean flagged(String name, String value) {
        for (String line : value.split("\n")) {
            if (!Credentials.inLine(name + ": " + line).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static boolean fingerprinted(String value) {
        return value.startsWith(PREFIX);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        node.fields().forEachRemaining(entries::add);
        return entries;
    }

    static String fingerprint(String value) {
        return PREFIX + InstallationKey.hmacHex(key, value).substring(0, 32);
    }
}
