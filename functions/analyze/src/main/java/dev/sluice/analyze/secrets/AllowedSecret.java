package dev.sluice.analyze.secrets;

/** A secret finding that is allowed, with the reason and where the allowance came from (inline or .sluice.yaml). */
public record AllowedSecret(String kind, String file, int line, String fingerprint, String reason, String allowedBy) {
}
