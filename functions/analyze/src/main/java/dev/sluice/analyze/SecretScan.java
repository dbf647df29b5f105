package dev.sluice.analyze;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.events.Payloads.Decision;

/**
 * The secrets rule: a secret ({@link SecretKind}) in an added line rejects the change, unless it is allowed
 * ({@link SecretAllowance}). Only added lines are read, so removing a leaked secret is not punished. Values
 * with low entropy, placeholders and references to other variables are not secrets.
 */
final class SecretScan {
    private SecretScan() {
    }

    static final String FACTOR = "secret";

    // ${VAR}, {{ .Values.x }}, <your-token>, %(name)s, $VAR, process.env.X, os.environ[...], xxxx, ****.
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(?:.*\\$\\{.*|.*\\{\\{.*|<.*>|%\\(?.*|\\$[A-Z_].*|.*(?:process\\.env|os\\.environ|getenv|System\\.get).*"
                    + "|(.)\\1{5,}.*|.*(?:x{5,}|\\*{4,}|example|placeholder|changeme|your[_-]?|dummy|redacted).*)$");
    // Unquoted references to other names (config.password, self.token, getSecret(...)) are code, not values.
    private static final Pattern REFERENCE = Pattern.compile("^[A-Za-z_][\\w]*(?:[.\\[(][\\w.\\[\\]()'\"]*)+$");

    /** Finds secrets in added lines: each kind's match once, the most specific kind first. */
    static List<SecretFinding> findings(List<AddedLine> lines) {
        List<SecretFinding> found = new ArrayList<>();
        for (AddedLine line : lines) {
            found.addAll(inLine(line.file(), line.line(), line.text()));
        }
        found.sort(Comparator.comparing(SecretFinding::file).thenComparingInt(SecretFinding::line)
                .thenComparing(SecretFinding::kind).thenComparing(SecretFinding::fingerprint));
        return List.copyOf(found);
    }

    static List<SecretFinding> inLine(String file, int lineNumber, String text) {
        if (text.length() > 4000) {
            // Minified or data lines: scan the start only, so one line cannot cost seconds.
            text = text.substring(0, 4000);
        }
        List<SecretFinding> found = new ArrayList<>();
        List<int[]> taken = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (SecretKind kind : SecretKind.values()) {
            if (!kind.mayMatch(lower)) {
                continue;
            }
            Matcher m = kind.pattern.matcher(text);
            while (m.find()) {
                int g = kind.group;
                String value = m.group(g);
                if (value == null || overlaps(taken, m.start(g), m.end(g))) {
                    continue;
                }
                if (kind.minEntropy > 0 && entropy(value) < kind.minEntropy) {
                    continue;
                }
                if (kind == SecretKind.ASSIGNED_SECRET && !looksLikeAValue(value, m.group(2))) {
                    continue;
                }
                taken.add(new int[] { m.start(g), m.end(g) });
                found.add(new SecretFinding(kind.id, file, lineNumber, fingerprint(value)));
            }
        }
        return found;
    }

    private static boolean overlaps(List<int[]> taken, int start, int end) {
        for (int[] t : taken) {
            if (start < t[1] && t[0] < end) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksLikeAValue(String value, String quote) {
        if (PLACEHOLDER.matcher(value).matches()) {
            return false;
        }
        if (quote.isEmpty() && (REFERENCE.matcher(value).matches() || value.contains("("))) {
            return false;
        }
        boolean digit = false;
        boolean letter = false;
        for (char c : value.toCharArray()) {
            digit |= Character.isDigit(c);
            letter |= Character.isLetter(c);
        }
        // Words alone (a sentence, an identifier) are not generated secrets.
        return digit && letter || value.length() >= 20;
    }

    /** Shannon entropy of a string, in bits per character. */
    static double entropy(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        Map<Character, Integer> counts = new HashMap<>();
        for (char c : s.toCharArray()) {
            counts.merge(c, 1, Integer::sum);
        }
        double h = 0;
        for (int n : counts.values()) {
            double p = (double) n / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    static Optional<RiskFactor> factor(List<SecretFinding> findings) {
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

    static String fingerprint(String value) {
        return SecretFingerprint.of(value);
    }

}
