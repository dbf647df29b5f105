package dev.sluice.validate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The full validation report of one attempt of a run, stored as the run's "validation" stage report. Every
 * finding carries its {@code category} (schema, policy, dry-run); {@code suppressed} lists the findings a
 * {@code sluice.dev/ignore} annotation waived, with its reason; {@code schema} says where the API schema came from.
 */
public record ValidationReport(UUID runId, int attempt, String repositoryUrl, String sha, String environment,
        String namespace, List<String> manifestPaths, List<String> rules, List<String> files,
        List<ValidationResult.ObjectEntry> objects, List<ManifestFinding> findings,
        List<InlineIgnores.Suppressed> suppressed, Map<String, Integer> counts, Map<String, Integer> countsByCategory,
        boolean failOnWarnings, boolean passed, String summary, String schema, String dryRun, long durationMs) {
}
