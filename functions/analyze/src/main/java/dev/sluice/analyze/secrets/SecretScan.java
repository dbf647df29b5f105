package dev.sluice.analyze.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.secrets.Credentials;
import dev.sluice.secrets.SecretKind;
import dev.sluice.analyze.AddedLine;
import dev.sluice.analyze.risk.RiskFactor;

/**
 * The secrets rule: a secret ({@link SecretKind}) in an added line rejects the change, unless it is allowed
 * ({@link SecretAllowance}). Only added lines are read, so removing a leaked secret is not punished. What is a
 * secret is common's {@link Credentials}, which deploy's ledger shares.
 */
public final class SecretScan {
    private SecretScan() {
    }

    public static final String FACTOR = "secret";

    /** Finds secrets in added lines: each kind's match once, the most specific kind first. */
    public static List<SecretFinding> findings(List<AddedLine> lines) {
        List<SecretFinding> found = new ArrayList<>();
        for (AddedLine line : lines) {
            found.addAll(inLine(line.file(), line.line(), line.text()));
        }
        found.sort(Comparator.comparing(SecretFinding::file).thenComparingInt(SecretFinding::line)
                .thenComparing(SecretFinding::kind).thenComparing(SecretFinding::fingerprint));
        return List.copyOf(found);
    }

    public static List<SecretFinding> inLine(String file, int lineNumber, String text) {
        return Credentials.inLine(text).stream()
                .map(m -> new SecretFinding(m.kind().id, file, lineNumber, fingerprint(m.value()))).toList();
    }

    public static Optional<RiskFactor> factor(List<SecretFinding> findings) {
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        List<String> where = findings.stream().limit(3)
                .map(f -> SecretKind.label(f.kind()) + " at " + f.file() + ":" + f.line()).toList();
        String message = (findings.size() == 1 ? "secret added: " : findings.size() + " secrets added: ")
                + String.join(", ", where) + (findings.size() > 3 ? " (+" + (findings.size() - 3) + " more)" : "");
        List<RiskFactor.Evidence> evidence = findings.stream()
                .map(f -> new RiskFactor.Evidence(f.file(), f.line())).distinct().toList();
        return Optional.of(new RiskFactor(FACTOR, 100, message, evidence, Decision.REJECT));
    }

    public static double entropy(String s) {
        return Credentials.entropy(s);
    }

    public static String fingerprint(String value) {
        return SecretFingerprint.of(value);
    }

}
