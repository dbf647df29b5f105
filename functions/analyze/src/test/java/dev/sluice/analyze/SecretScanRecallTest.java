package dev.sluice.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secret scanner measured on a labelled set (src/test/resources/secrets/labelled.tsv: true positives and
 * false positives from gitleaks' rule tests and written here). The floors below are what the scanner reaches
 * now; a change to the patterns that loses recall or adds false positives fails here.
 */
class SecretScanRecallTest {
    static final double RECALL_FLOOR = 1.0;
    static final double FALSE_POSITIVE_CEILING = 0.0;

    record Labelled(boolean secret, String kind, String source, String line) {
    }

    static List<Labelled> set;

    @BeforeAll
    static void load() throws IOException {
        set = new ArrayList<>();
        try (InputStream in = SecretScanRecallTest.class.getResourceAsStream("/secrets/labelled.tsv")) {
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] f = row.split("\t", 4);
                set.add(new Labelled(f[0].equals("secret"), f[1], f[2], f[3]));
            }
        }
    }

    @Test
    void recallAndFalsePositiveRateOnTheLabelledSetMeetTheirFloors() {
        int secrets = 0;
        int found = 0;
        int clean = 0;
        int flagged = 0;
        List<String> missed = new ArrayList<>();
        List<String> wronglyFlagged = new ArrayList<>();
        for (Labelled l : set) {
            List<SecretFinding> findings = SecretScan.inLine("x", 1, l.line());
            if (l.secret()) {
                secrets++;
                if (findings.stream().anyMatch(f -> f.kind().equals(l.kind()))) {
                    found++;
                } else {
                    missed.add(l.kind() + ": " + l.line() + " -> " + findings);
                }
            } else {
                clean++;
                if (!findings.isEmpty()) {
                    flagged++;
                    wronglyFlagged.add(l.line() + " -> " + findings);
                }
            }
        }
        double recall = (double) found / secrets;
        double falsePositiveRate = (double) flagged / clean;
        System.out.printf(Locale.ROOT, "secret scanner: %d secrets, recall %.3f; %d clean lines, false-positive rate %.3f%n",
                secrets, recall, clean, falsePositiveRate);
        assertThat(secrets).isGreaterThanOrEqualTo(30);
        assertThat(clean).isGreaterThanOrEqualTo(30);
        assertThat(recall).as("recall; missed: %s", missed).isGreaterThanOrEqualTo(RECALL_FLOOR);
        assertThat(falsePositiveRate).as("false-positive rate; flagged: %s", wronglyFlagged).isLessThanOrEqualTo(FALSE_POSITIVE_CEILING);
    }

    @Test
    void aFindingHoldsAFingerprintOfTheValueNeverTheValue() {
        String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        List<SecretFinding> f = SecretScan.inLine("ci.env", 4, "GH=" + token);
        assertThat(f).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo("github-token");
            assertThat(s.fingerprint()).isEqualTo(SecretScan.fingerprint(token)).hasSize(12);
            assertThat(s.toString()).doesNotContain(token);
        });
    }

    @Test
    void entropyTellsGeneratedValuesFromWords() {
        assertThat(SecretScan.entropy("aaaaaaaaaaaa")).isZero();
        assertThat(SecretScan.entropy("password")).isLessThan(3.0);
        assertThat(SecretScan.entropy("Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB")).isGreaterThan(4.0);
    }
}
