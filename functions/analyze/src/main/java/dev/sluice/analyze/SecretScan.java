package dev.sluice.analyze;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.events.Payloads.Decision;

/**
 * The secrets rule: a private key block or an AWS access key id in an added line rejects the change.
 * Only added lines are read, so removing a leaked secret is not punished.
 */
final class SecretScan {
    private SecretScan() {
    }

    static final String FACTOR = "secret";

    private enum Kind {
        PRIVATE_KEY("private-key", "private key",
                Pattern.compile("-----BEGIN (?:(?:RSA|EC|OPENSSH|DSA|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----")),
        AWS_ACCESS_KEY_ID("aws-access-key-id", "AWS access key id",
                Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b"));

        final String id;
        final String label;
        final Pattern pattern;

        Kind(String id, String label, Pattern pattern) {
            this.id = id;
            this.label = label;
            this.pattern = pattern;
        }
    }

    static List<SecretFinding> findings(List<AddedLine> lines) {
        List<SecretFinding> found = new ArrayList<>();
        for (AddedLine line : lines) {
            for (Kind kind : Kind.values()) {
                Matcher m = kind.pattern.matcher(line.text());
                while (m.find()) {
                    found.add(new SecretFinding(kind.id, line.file(), line.line(), fingerprint(m.group())));
                }
            }
        }
        found.sort(Comparator.comparing(SecretFinding::file).thenComparingInt(SecretFinding::line)
                .thenComparing(SecretFinding::kind).thenComparing(SecretFinding::fingerprint));
        return List.copyOf(found);
    }

    static Optional<RiskFactor> factor(List<SecretFinding> findings) {
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        List<String> where = findings.stream().limit(3)
                .map(f -> label(f.kind()) + " at " + f.file() + ":" + f.line()).toList();
        String message = (findings.size() == 1 ? "secret added: " : findings.size() + " secrets added: ")
                + String.join(", ", where) + (findings.size() > 3 ? " (+" + (findings.size() - 3) + " more)" : "");
        List<RiskFactor.Evidence> evidence = findings.stream()
                .map(f -> new RiskFactor.Evidence(f.file(), f.line())).distinct().toList();
        return Optional.of(new RiskFactor(FACTOR, 100, message, evidence, Decision.REJECT));
    }

    private static String label(String kind) {
        for (Kind k : Kind.values()) {
            if (k.id.equals(kind)) {
                return k.label;
            }
        }
        return kind;
    }

    static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
