package dev.sluice.analyze;

import java.util.List;
import java.util.UUID;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.settings.ResolvedSettings;

/**
 * The full analysis of one run, stored as the "analysis" stage report; the reply carries only a summary.
 * Everything but {@code durationMs} is a function of the request and the repository: lists are sorted.
 */
public record AnalysisReport(UUID runId, int attempt, String repositoryUrl, String ref, String before, Boolean forced,
        String base, String head, boolean wholeTree, String wholeTreeReason, Totals totals, List<ChangedFile> files,
        List<RiskFactor> factors, List<SecretFinding> secrets, Decision decision, int riskScore, double confidence,
        List<String> confidenceNotes, ResolvedSettings settings, long durationMs) {

    public record Totals(int files, int linesAdded, int linesRemoved, int changedLines, long binaryFiles,
            int reviewLines, boolean overReviewLimit) {
    }

    static Totals totals(Change change, int reviewLines) {
        return new Totals(change.files().size(), change.linesAdded(), change.linesRemoved(), change.changedLines(),
                change.binaryFiles(), reviewLines, change.changedLines() > reviewLines);
    }
}
