package dev.sluice.analyze;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.settings.ResolvedSettings;
import dev.sluice.analyze.lines.LineCount;
import dev.sluice.analyze.risk.RiskFactor;
import dev.sluice.analyze.secrets.AllowedSecret;
import dev.sluice.analyze.secrets.SecretFinding;

/**
 * The full analysis of one run, stored as the "analysis" stage report; the reply carries only a summary.
 * Everything but {@code durationMs} is a function of the request, the repository and the runs deploying at the
 * time (for {@code deploying-conflict}): lists are sorted.
 */
public record AnalysisReport(UUID runId, int attempt, String repositoryUrl, String ref, String before, Boolean forced,
        String base, String head, boolean wholeTree, String wholeTreeReason, RepositoryCache.Fetch fetch, Totals totals,
        List<ChangedFile> files, Map<String, LineCount> languages, Measurement.GraphSummary graph,
        List<RiskFactor> factors, List<SecretFinding> secrets, List<AllowedSecret> allowedSecrets,
        List<ManifestObjects.Duplicate> duplicateObjects, List<DeployingRuns.Overlap> deployingConflicts,
        Decision decision, int riskScore, double confidence, List<String> confidenceNotes, List<String> recommendations,
        ResolvedSettings settings, int analyzerVersion, long durationMs) {

    public record Totals(int files, int linesAdded, int linesRemoved, int changedLines, int weightedLines,
            long binaryFiles, int reviewLines, boolean overReviewLimit, long codeLines) {
    }

    static Totals totals(Measurement m, int reviewLines) {
        return new Totals(m.files().size(), m.linesAdded(), m.linesRemoved(), m.changedLines(), m.weightedLines(),
                m.binaryFiles(), reviewLines, m.weightedLines() > reviewLines,
                m.languages().values().stream().mapToLong(LineCount::code).sum());
    }
}
