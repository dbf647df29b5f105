package dev.sluice.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict on a commit's manifests: the gate passes when no finding is an error (nor a warning, with
 * {@code failOnWarnings}). The summary travels in the completed event, and route makes a failing one the run's
 * reason, so it names file and line.
 */
public record ValidationResult(List<String> files, List<ObjectEntry> objects, List<ManifestFinding> findings,
        List<InlineIgnores.Suppressed> suppressed, Map<String, Integer> counts, Map<String, Integer> countsByCategory,
        boolean failOnWarnings, boolean passed, String summary) {

    /** How many errors the summary spells out before "(+N more)". */
    static final int SUMMARY_ERRORS = 3;

    /** An object found, as the report lists it. */
    public record ObjectEntry(String apiVersion, String kind, String namespace, String name, String file, int line) {
        static ObjectEntry of(ManifestObject o) {
            return new ObjectEntry(o.apiVersion(), o.kind(), o.namespace(), o.name(), o.file(), o.lineOf(""));
        }
    }

    static ValidationResult of(List<String> files, List<ManifestObject> objects, List<ManifestFinding> findings,
            List<InlineIgnores.Suppressed> suppressed, boolean failOnWarnings) {
        List<ManifestFinding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(ManifestFinding::file, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparingInt(ManifestFinding::line));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            counts.put(s.label(), (int) sorted.stream().filter(f -> f.severity() == s).count());
        }
        Map<String, Integer> byCategory = new LinkedHashMap<>();
        for (Category c : Category.values()) {
            byCategory.put(c.label(), (int) sorted.stream().filter(f -> f.category() == c).count());
        }
        boolean passed = counts.get(Severity.ERROR.label()) == 0
                && (!failOnWarnings || counts.get(Severity.WARNING.label()) == 0);
        return new ValidationResult(List.copyOf(files), objects.stream().map(ObjectEntry::of).toList(),
                List.copyOf(sorted), List.copyOf(suppressed), counts, byCategory, failOnWarnings, passed,
                summary(files, objects, sorted, counts, passed));
    }

    private static String summary(List<String> files, List<ManifestObject> objects, List<ManifestFinding> findings,
            Map<String, Integer> counts, boolean passed) {
        if (!passed) {
            // errors first; with failOnWarnings and no error, the warnings are why it failed
            Severity shownSeverity = counts.get(Severity.ERROR.label()) > 0 ? Severity.ERROR : Severity.WARNING;
            List<String> shown = findings.stream().filter(f -> f.severity() == shownSeverity).map(ManifestFinding::located).toList();
            String text = String.join("; ", shown.subList(0, Math.min(SUMMARY_ERRORS, shown.size())));
            text = shown.size() > SUMMARY_ERRORS ? text + " (+" + (shown.size() - SUMMARY_ERRORS) + " more)" : text;
            return shownSeverity == Severity.WARNING ? "warnings fail the gate (failOnWarnings): " + text : text;
        }
        if (objects.isEmpty()) {
            // nothing to deploy: the no-manifests finding says which paths were searched
            var none = findings.stream().filter(f -> ManifestValidator.NO_MANIFESTS.equals(f.ruleId())).findFirst();
            if (none.isPresent()) {
                return none.get().message();
            }
        }
        return count(objects.size(), "object") + " in " + count(files.size(), "file") + ": "
                + count(counts.get("error"), "error") + ", " + count(counts.get("warning"), "warning");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
