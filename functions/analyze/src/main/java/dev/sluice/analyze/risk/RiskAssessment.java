package dev.sluice.analyze.risk;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.settings.ResolvedSettings;
import dev.sluice.analyze.DeployingRuns;
import dev.sluice.analyze.Measurement;
import dev.sluice.analyze.secrets.SecretScan;

/**
 * The decision on a measured change: its factors, risk score, decision and confidence.
 *
 * <p>Score: an unallowed secret makes it 100. Otherwise the sum of the factors' weights, at most 100: size
 * (0-30, {@link ChangeSize}), risky paths (together 0-40, {@link RiskyPath}: past the cap a path factor reports
 * the points it still counts), reach through the import graph (0-20), import cycle 5, conflict markers 25, code
 * without tests 10, tests deleted 10, forced push 10, duplicate manifest objects 15, objects another run is
 * deploying 20. Decision: score above risk.rejectAbove rejects, below risk.approveBelow approves, else (both
 * values included) needs review; a factor that forces a decision (secret: reject; over the size limit, conflict
 * markers, duplicate or busy objects: review) makes it at least that harsh.
 *
 * <p>Confidence starts at 0.9 (static rules, not a review); -0.2 for a whole-tree analysis (nothing is known
 * about what changed), -0.1 when binary files are involved (neither counted nor scanned), -0.1 when code changed
 * in languages the import graph does not read (its reach is unknown).
 */
public record RiskAssessment(List<RiskFactor> factors, int riskScore, Decision decision, double confidence,
        List<String> confidenceNotes, List<String> recommendations) {

    public static RiskAssessment of(Measurement m, ResolvedSettings settings, boolean forced, List<DeployingRuns.Overlap> busy) {
        List<RiskFactor> factors = new ArrayList<>();
        SecretScan.factor(m.secrets()).ifPresent(factors::add);
        ChangeSize.factor(m.files(), m.changedLines(), m.weightedLines(), settings.limits().reviewLines()).ifPresent(factors::add);
        List<RiskFactor> paths = RiskyPath.capped(RiskyPath.factors(m.files(), settings.manifests()));
        factors.addAll(paths);
        factors.addAll(ChangeSignals.factors(m, forced));
        if (!busy.isEmpty()) {
            factors.add(DeployingRuns.factor(busy));
        }
        factors.sort(RiskFactor.MOST_DECISIVE_FIRST);

        int sum = factors.stream().filter(f -> !f.id().equals(SecretScan.FACTOR)).mapToInt(RiskFactor::weight).sum();
        int score = m.secrets().isEmpty() ? Math.min(100, sum) : 100;
        Decision decision = decision(score, settings.risk().approveBelow(), settings.risk().rejectAbove());
        for (RiskFactor f : factors) {
            if (f.forces() != null && f.forces().compareTo(decision) > 0) {
                decision = f.forces();
            }
        }

        double confidence = 0.9;
        List<String> notes = new ArrayList<>();
        if (m.wholeTree()) {
            confidence -= 0.2;
            notes.add("whole tree analysed: " + m.wholeTreeReason());
        }
        if (m.binaryFiles() > 0) {
            confidence -= 0.1;
            notes.add(m.binaryFiles() + " binary or oversized file(s) not counted or scanned");
        }
        if (m.graph() != null && m.graph().changedCodeOutsideGraph() > 0) {
            confidence -= 0.1;
            notes.add(m.graph().changedCodeOutsideGraph() + " changed code file(s) in languages the import graph does not read:"
                    + " their reach is unknown");
        }
        return new RiskAssessment(List.copyOf(factors), score, decision, Math.round(confidence * 100) / 100.0,
                List.copyOf(notes), recommendations(factors, m));
    }

    /** Above {@code rejectAbove} rejects, below {@code approveBelow} approves, anything between needs review. */
    public static Decision decision(int score, int approveBelow, int rejectAbove) {
        return score > rejectAbove ? Decision.REJECT : score < approveBelow ? Decision.APPROVE : Decision.NEEDS_REVIEW;
    }

    /** What a reviewer should do about each decisive factor, most decisive first. */
    private static List<String> recommendations(List<RiskFactor> factors, Measurement m) {
        List<String> out = new ArrayList<>();
        for (RiskFactor f : factors) {
            String r = switch (f.id()) {
                case SecretScan.FACTOR -> "remove the secret from the commit and rotate it: it is in the history now;"
                        + " for a known false positive add 'sluice:allow <reason>' on the line or an analysis.allow entry";
                case "conflict-markers" -> "resolve the merge conflict: the markers were committed";
                case "no-tests" -> "add or change a test that covers the changed code";
                case "tests-deleted" -> "check that the deleted tests are replaced or no longer needed";
                case "reach" -> "review the most depended-on changed files first: " + String.join(", ",
                        f.evidence().stream().map(RiskFactor.Evidence::file).limit(3).toList());
                case "manifest-duplicate" -> "keep one definition of each object: the last applied would win";
                case "deploying-conflict" -> "wait for the other run's deployment to finish, or coordinate with it";
                case "path.migrations" -> "check that the migration is backward compatible with the running version";
                case "path.ci", "path.settings" -> "have someone who owns the pipeline review it";
                case "path.security" -> "have the security-sensitive change reviewed by a second person";
                case ChangeSize.FACTOR -> f.forces() != null ? "split the change: it is over the review limit" : null;
                default -> null;
            };
            if (r != null) {
                out.add(r);
            }
        }
        if (!m.allowedSecrets().isEmpty()) {
            out.add(m.allowedSecrets().size() + " secret finding(s) allowed: check the reasons still hold");
        }
        return List.copyOf(out);
    }

    /** The messages of the most decisive factors: the summary the reply carries. */
    public List<String> topFactors(int max) {
        return factors.stream().limit(max).map(RiskFactor::message).toList();
    }
}
