package dev.sluice.analyze.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern KEY_HEADER = SecretKind.PRIVATE_KEY.patterns.get(0);
    /** What a key body's line holds besides its base64: PEM headers (Proc-Type: ...), escaped line breaks, quotes. */
    private static final Pattern KEY_LINE_NOISE = Pattern.compile("^\\s*[\\w-]+:.*$|\\\\[nr]|[\"',]|\\s+\\+\\s*$|^\\s*\\+\\s+");
    private static final Pattern KEY_BODY = Pattern.compile("[A-Za-z0-9+/=]*");

    /** A private key header whose footer is not on the same line: its body follows on the next lines. */
    public static boolean opensPrivateKeyBlock(String line) {
        Matcher m = KEY_HEADER.matcher(line);
        return m.find() && line.indexOf("-----END", m.end()) < 0;
    }

    /**
     * Finds secrets in added lines: each kind's match once, the most specific kind first. A private key whose header
     * opens a block is judged by its body (the lines up to its footer, which ChangeReader keeps): a body that is not
     * base64 (words, dots, xxx) or has fewer than 16 characters is a placeholder, not a key; the fingerprint hashes
     * the body, so two keys under the same header are told apart.
     * The body's lines are the key: they are not scanned one by one.
     */
    public static List<SecretFinding> findings(List<AddedLine> lines) {
        List<SecretFinding> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            AddedLine line = lines.get(i);
            List<SecretFinding> inLine = inLine(line.file(), line.line(), line.text());
            if (!opensPrivateKeyBlock(line.text())) {
                found.addAll(inLine);
                continue;
            }
            StringBuilder body = new StringBuilder();
            boolean base64 = true;
            boolean closed = false;
            int j = i + 1;
            for (; j < lines.size() && lines.get(j).file().equals(line.file())
                    && lines.get(j).line() == lines.get(j - 1).line() + 1; j++) {
                String text = lines.get(j).text();
                int end = text.indexOf("-----END");
                String part = KEY_LINE_NOISE.matcher(end < 0 ? text : text.substring(0, end)).replaceAll("").strip();
                if (!KEY_BODY.matcher(part).matches()) {
                    base64 = false;
                    // words are a placeholder only when the footer follows at once; else the block is not a key's
                    boolean footerNext = j + 1 < lines.size() && lines.get(j + 1).file().equals(line.file())
                            && lines.get(j + 1).line() == lines.get(j).line() + 1
                            && lines.get(j + 1).text().contains("-----END");
                    if (end < 0 && !footerNext) {
                        break;
                    }
                }
                body.append(part);
                if (end >= 0) {
                    closed = true;
                    j++;
                    break;
                }
            }
            if (!closed) {
                // the footer is not among the added lines: judged by the header, as a key of unknown body
                found.addAll(inLine);
                continue;
            }
            for (SecretFinding f : inLine) {
                if (!f.kind().equals(SecretKind.PRIVATE_KEY.id)) {
                    found.add(f);
                }
            }
            if (base64 && body.length() >= 16) {
                found.add(new SecretFinding(SecretKind.PRIVATE_KEY.id, line.file(), line.line(), fingerprint(body.toString())));
            }
            i = j - 1;
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
