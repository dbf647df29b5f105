package dev.sluice.validate.rules;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Label selectors as the API server reads them: a plain map (Service) or matchLabels plus matchExpressions. */
public final class Selectors {
    private Selectors() {
    }

    /** Whether a map selector ({@code spec.selector} of a Service) selects these labels; an empty one selects nothing. */
    public static boolean mapSelects(JsonNode selector, Map<String, String> labels) {
        if (selector == null || !selector.isObject() || selector.isEmpty()) {
            return false;
        }
        var fields = selector.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isValueNode() || !e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Whether a LabelSelector (matchLabels, matchExpressions) selects these labels; an empty one selects all. */
    public static boolean labelSelectorSelects(JsonNode selector, Map<String, String> labels) {
        if (selector == null || !selector.isObject()) {
            return false;
        }
        JsonNode matchLabels = selector.get("matchLabels");
        if (matchLabels != null && matchLabels.isObject() && !matchLabels.isEmpty() && !mapSelects(matchLabels, labels)) {
            return false;
        }
        JsonNode expressions = selector.get("matchExpressions");
        if (expressions != null && expressions.isArray()) {
            for (JsonNode e : expressions) {
                if (!expressionSelects(e, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean expressionSelects(JsonNode e, Map<String, String> labels) {
        String key = e.path("key").asText();
        String value = labels.get(key);
        JsonNode values = e.path("values");
        boolean in = false;
        for (JsonNode v : values) {
            in |= v.asText().equals(value);
        }
        return switch (e.path("operator").asText()) {
            case "In" -> value != null && in;
            case "NotIn" -> value == null || !in;
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }
}
