package dev.sluice.analyze.secrets;

/**
 * A secret found in an added line. It never holds the secret itself: only its kind, where it is, and a
 * fingerprint (the first 12 hex digits of the SHA-256 of the matched text) to tell findings apart.
 */
public record SecretFinding(String kind, String file, int line, String fingerprint) {
}
