package dev.sluice.deploy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Quantity;
import dev.sluice.events.EventCodec;

/**
 * Where a live object differs from what Sluice applied, in the fields Sluice manages, as JSON Pointers into the
 * applied object. The managed fields are those server-side apply records for field manager {@code sluice}
 * (operation Apply) in {@code metadata.managedFields}; a live object without that entry (fabric8's mock server keeps
 * none) is compared in every field the applied object sets. Fields Sluice does not manage (status, what the API server
 * defaults, annotations and labels other managers add) never count, nor do managed fields the ledger holds no value
 * for (a canary's traffic, written per step). A Secret's {@code stringData} is folded into {@code data} by the API
 * server and is not compared.
 */
final class ObjectDrift {
    private ObjectDrift() {
    }

    /**
     * @param applied the object as the ledger holds it (secret values as fingerprints)
     * @param live the live object, its secret values fingerprinted the same way
     * @param managed the {@code fieldsV1} of the live object's Apply entry for manager {@code sluice}, or null
     */
    static List<String> paths(ObjectNode applied, ObjectNode live, JsonNode managed) {
        List<String> out = new ArrayList<>();
        ObjectNode expected = applied.deepCopy();
        if ("Secret".equals(expected.path("kind").asText())) {
            expected.remove("stringData");
        }
        if (managed instanceof ObjectNode fields) {
            walkManaged(fields, expected, live, "", out);
        } else {
            walkApplied(expected, live, "", out);
        }
        return out;
    }

    /** The {@code fieldsV1} of manager {@code sluice}'s Apply entry in the live object's managedFields, or null. */
    static JsonNode managedBySluice(JsonNode live) {
        for (JsonNode entry : live.path("metadata").path("managedFields")) {
            if (ClusterObjects.FIELD_MANAGER.equals(entry.path("manager").asText()) && "Apply".equals(entry.path("operation").asText())) {
                return entry.path("fieldsV1");
            }
        }
        return null;
    }

    private static void walkManaged(ObjectNode fields, JsonNode applied, JsonNode live, String path, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        boolean leaf = true;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (".".equals(key)) {
                continue;
            }
            leaf = false;
            if (!(e.getValue() instanceof ObjectNode sub)) {
                continue;
            }
            if (key.startsWith("f:")) {
                String name = key.substring(2);
                if (path.isEmpty() && ("status".equals(name) || "managedFields".equals(name))) {
                    continue;
                }
                walkManaged(sub, child(applied, name), child(live, name), path + "/" + escape(name), out);
            } else if (key.startsWith("k:") || key.startsWith("v:") || key.startsWith("i:")) {
                int a = element(applied, key);
                if (a < 0) {
                    continue; // the ledger holds no such element: nothing to compare with
                }
                int l = element(live, key);
                if (l < 0) {
                    out.add(path + "/" + a);
                    continue;
                }
                walkManaged(sub, applied.get(a), live.get(l), path + "/" + a, out);
            }
        }
        if (leaf) {
            compare(applied, live, path, out);
        }
    }

    private static void walkApplied(JsonNode applied, JsonNode live, String path, List<String> out) {
        if (applied instanceof ObjectNode o && o.size() > 0) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                walkApplied(e.getValue(), child(live, e.getKey()), path + "/" + escape(e.getKey()), out);
            }
        } else if (applied instanceof ArrayNode a && a.size() > 0) {
            for (int i = 0; i < a.size(); i++) {
                walkApplied(a.get(i), live instanceof ArrayNode l && i < l.size() ? l.get(i) : null, path + "/" + i, out);
            }
        } else {
            compare(applied, live, path, out);
        }
    }

    private static void compare(JsonNode applied, JsonNode live, String path, List<String> out) {
        if (applied == null || applied.isMissingNode()) {
            return;
        }
        if (live == null || live.isMissingNode() || !same(applied, live) && !(path.contains("/resources/") && sameQuantity(applied, live))) {
            out.add(path.isEmpty() ? "/" : path);
        }
    }

    /** Equal JSON, numbers by value. */
    static boolean same(JsonNode a, JsonNode b) {
        return a.equals((x, y) -> x.equals(y) || x.isNumber() && y.isNumber() && x.decimalValue().compareTo(y.decimalValue()) == 0 ? 0 : 1, b);
    }

    /** Resource quantities by amount: the API server writes CPU "0.5" as "500m". */
    private static boolean sameQuantity(JsonNode a, JsonNode b) {
        if (a.isValueNode() && b.isValueNode() && (a.isTextual() || a.isNumber()) && (b.isTextual() || b.isNumber())) {
            try {
                BigDecimal x = Quantity.getAmountInBytes(new Quantity(a.asText()));
                BigDecimal y = Quantity.getAmountInBytes(new Quantity(b.asText()));
                return x.compareTo(y) == 0;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static JsonNode child(JsonNode node, String name) {
        return node instanceof ObjectNode o ? o.get(name) : null;
    }

    /** The index of the element a managedFields key names ({@code k:{...}} by its keys, {@code v:} by value, {@code i:} by index). */
    private static int element(JsonNode array, String key) {
        if (!(array instanceof ArrayNode items)) {
            return -1;
        }
        try {
            if (key.startsWith("i:")) {
                int i = Integer.parseInt(key.substring(2));
                return i < items.size() ? i : -1;
            }
            JsonNode wanted = EventCodec.json().readTree(key.substring(2));
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                if (key.startsWith("v:") ? same(wanted, item) : matches(wanted, item)) {
                    return i;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static boolean matches(JsonNode keys, JsonNode item) {
        Iterator<Map.Entry<String, JsonNode>> it = keys.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = item.get(e.getKey());
            if (v == null || !same(e.getValue(), v)) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
