package dev.sluice.validate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code sluice.dev/ignore} annotation: an object may waive findings of named rules, each with the reason
 * the report shows. The value holds one or more entries separated by ';' or new lines, each
 * {@code <ruleId>[,<ruleId>...]: <reason>}, e.g. {@code "host-path: the log shipper reads /var/log"}. An entry
 * without a reason, or naming a rule that does not exist, waives nothing and is itself reported.
 */
public final class InlineIgnores {
    public static final String ANNOTATION = "sluice.dev/ignore";
    public static final String RULE_ID = "ignore-annotation";

    /** A finding that an annotation waived, and why. */
    public record Suppressed(ManifestFinding finding, String reason) {
    }

    private record ObjectKey(String kind, String namespace, String name, String file) {
        static ObjectKey of(ManifestFinding f) {
            return new ObjectKey(f.kind(), f.namespace(), f.name(), f.file());
        }
    }

    // object -> rule id -> reason
    private final Map<ObjectKey, Map<String, String>> waivers = new HashMap<>();
    private final List<ManifestFinding> problems = new ArrayList<>();

    public InlineIgnores(List<ManifestObject> objects, Set<String> ruleIds) {
        for (ManifestObject o : objects) {
            String value = o.annotation(ANNOTATION);
            if (value == null) {
                continue;
            }
            ObjectKey key = new ObjectKey(o.kind(), o.namespace(), o.name(), o.file());
            String pointer = "/metadata/annotations/" + ANNOTATION.replace("/", "~1");
            for (String entry : value.split("[;\\n]")) {
                if (entry.isBlank()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                String reason = colon < 0 ? "" : entry.substring(colon + 1).trim();
                String ids = colon < 0 ? entry : entry.substring(0, colon);
                if (reason.isEmpty()) {
                    problems.add(o.finding(RULE_ID, Severity.WARNING, Category.POLICY, pointer, o.label() + ": " + ANNOTATION
                            + " entry '" + entry.trim() + "' gives no reason, so it waives nothing",
                            "write it as '<rule-id>: <why this object may break the rule>'"));
                    continue;
                }
                for (String id : ids.split(",")) {
                    String rule = id.trim();
                    if (!ruleIds.contains(rule)) {
                        problems.add(o.finding(RULE_ID, Severity.WARNING, Category.POLICY, pointer, o.label() + ": " + ANNOTATION
                                + " names rule '" + rule + "', which does not exist", "use one of the rule ids of the report"));
                    } else {
                        waivers.computeIfAbsent(key, k -> new HashMap<>()).put(rule, reason);
                    }
                }
            }
        }
    }

    /** Findings about malformed annotations. */
    public List<ManifestFinding> problems() {
        return problems;
    }

    /** The reason an annotation gives for waiving this finding, or null. */
    public String reason(ManifestFinding f) {
        if (f.name() == null || Objects.equals(f.ruleId(), RULE_ID)) {
            return null;
        }
        Map<String, String> rules = waivers.get(ObjectKey.of(f));
        return rules == null ? null : rules.get(f.ruleId());
    }
}
