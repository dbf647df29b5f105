package dev.sluice.validate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The full validation report of one attempt of a run, stored as the run's "validation" stage report. */
public record ValidationReport(UUID runId, int attempt, String repositoryUrl, String sha, String environment,
        String namespace, List<String> manifestPaths, List<String> rules, List<String> files,
        List<ValidationResult.ObjectEntry> objects, List<ManifestFinding> findings, Map<String, Integer> counts,
        boolean passed, String summary, long durationMs) {
}
