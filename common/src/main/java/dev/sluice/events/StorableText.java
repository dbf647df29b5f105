package dev.sluice.events;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Text PostgreSQL can store: it refuses U+0000 in text and jsonb, and an unpaired UTF-16 surrogate has no UTF-8
 * form (it would be written as '?' or fail the JSON writer). Such text anywhere in a request is bad input, a 400
 * naming the field, and must never reach the database, where it becomes a 500 that a broker retries forever.
 */
public final class StorableText {
    private StorableText() {
    }

    /** What is wrong with {@code value}, or null when PostgreSQL can store it. */
    public static String problem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "contains a NUL character (U+0000) at position " + i + ", which cannot be stored";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return unpaired(c, i);
            }
            if (Character.isLowSurrogate(c)) {
                return unpaired(c, i);
            }
        }
        return null;
    }

    private static String unpaired(char c, int i) {
        return String.format("contains an unpaired UTF-16 surrogate (U+%04X) at position %d, which is not text", (int) c, i);
    }

    /** @throws BadEventException naming {@code field} when the value cannot be stored */
    public static String require(String field, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new BadEventException(field + " " + problem, field);
        }
        return value;
    }

    /** Checks every field name and string of a JSON tree; {@code path} names the tree ("data", "body"). */
    public static void requireTree(String path, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            require(path, node.textValue());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                if (problem(e.getKey()) != null) {
                    throw new BadEventException("a field name in " + path + " " + problem(e.getKey()), path);
                }
                requireTree(child, e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireTree(path + "[" + i + "]", node.get(i));
            }
        }
    }
}
