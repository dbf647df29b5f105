package dev.sluice.analyze.risk;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.analyze.ChangedFile;

/**
 * The size rule. The score grows with the log of the changed lines (added + removed): 5 points per doubling
 * beyond 10 lines, at most {@link #MAX_POINTS}. Above {@code limits.reviewLines} the change needs review
 * whatever its score, because nobody reads a diff that long with care.
 */
public final class ChangeSize {
    private ChangeSize() {
    }

    public static final String FACTOR = "change-size";
    public static final int MAX_POINTS = 30;

    public static int points(int changedLines) {
        if (changedLines <= 0) {
            return 0;
        }
        double points = 5 * (Math.log(1 + changedLines / 10.0) / Math.log(2));
        return (int) Math.min(MAX_POINTS, Math.max(1, Math.round(points)));
    }

    /** Lines of vendored and generated files count a tenth: {@code weighted} is what the score and limit read. */
    static Optional<RiskFactor> factor(List<ChangedFile> files, int lines, int weighted, int reviewLines) {
        boolean overLimit = weighted > reviewLines;
        if (lines == 0 && !overLimit) {
            return Optional.empty();
        }
        String message = lines + " lines changed in " + files.size() + (files.size() == 1 ? " file" : " files")
                + (weighted != lines ? " (" + weighted + " weighed: vendored and generated files count a tenth)" : "")
                + (overLimit ? ", over the review limit of " + reviewLines : "");
        // The biggest files are the evidence: where a reviewer would spend the time.
        List<RiskFactor.Evidence> evidence = files.stream()
                .filter(f -> f.changedLines() > 0)
                .sorted(Comparator.comparingInt(ChangedFile::changedLines).reversed().thenComparing(ChangedFile::path))
                .limit(5)
                .map(f -> new RiskFactor.Evidence(f.path(), null))
                .toList();
        return Optional.of(new RiskFactor(FACTOR, points(weighted), message, evidence, overLimit ? Decision.NEEDS_REVIEW : null));
    }
}
