package dev.sluice.analyze;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.settings.ResolvedSettings;

/**
 * The first rule set applied to a change: its factors, risk score, decision and confidence.
 *
 * <p>Score: a secret makes it 100. Otherwise the size points (0-30, {@link ChangeSize}) plus the risky-path
 * points (0-40, {@link RiskyPath}). Decision: score >= risk.rejectAbove rejects, score >= risk.approveBelow
 * needs review, else approve; a factor that forces a decision (secret: reject, over the size limit: review)
 * makes the decision at least that harsh.
 *
 * <p>Confidence starts at 0.9 (these are static rules, not a review) and drops by 0.2 for a whole-tree
 * analysis (nothing is known about what changed, everything counts as new) and by 0.1 when binary files
 * are involved (they are neither counted nor scanned for secrets).
 */
public record RiskAssessment(List<RiskFactor> factors, List<SecretFinding> secrets, int riskScore, Decision decision,
        double confidence, List<String> confidenceNotes) {

    static RiskAssessment of(Change change, ResolvedSettings settings) {
        List<SecretFinding> secrets = SecretScan.findings(change.addedLines());
        List<RiskFactor> factors = new ArrayList<>();
        SecretScan.factor(secrets).ifPresent(factors::add);
        ChangeSize.factor(change, settings.limits().reviewLines()).ifPresent(factors::add);
        List<RiskFactor> paths = RiskyPath.factors(change, settings.manifests());
        factors.addAll(paths);
        factors.sort(RiskFactor.MOST_DECISIVE_FIRST);

        int score = secrets.isEmpty()
                ? ChangeSize.points(change.changedLines())
                        + Math.min(RiskyPath.MAX_POINTS, paths.stream().mapToInt(RiskFactor::weight).sum())
                : 100;
        Decision decision = score >= settings.risk().rejectAbove() ? Decision.REJECT
                : score >= settings.risk().approveBelow() ? Decision.NEEDS_REVIEW
                : Decision.APPROVE;
        for (RiskFactor f : factors) {
            if (f.forces() != null && f.forces().compareTo(decision) > 0) {
                decision = f.forces();
            }
        }

        double confidence = 0.9;
        List<String> notes = new ArrayList<>();
        if (change.wholeTree()) {
            confidence -= 0.2;
            notes.add("whole tree analysed: " + change.wholeTreeReason());
        }
        if (change.binaryFiles() > 0) {
            confidence -= 0.1;
            notes.add(change.binaryFiles() + " binary or oversized file(s) not counted or scanned");
        }
        return new RiskAssessment(List.copyOf(factors), secrets, score, decision,
                Math.round(confidence * 100) / 100.0, List.copyOf(notes));
    }

    /** The messages of the most decisive factors: the summary the reply carries. */
    List<String> topFactors(int max) {
        return factors.stream().limit(max).map(RiskFactor::message).toList();
    }
}
