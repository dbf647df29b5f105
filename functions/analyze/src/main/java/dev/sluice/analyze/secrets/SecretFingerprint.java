package dev.sluice.analyze.secrets;

import javax.crypto.spec.SecretKeySpec;

import dev.sluice.secrets.InstallationKey;

/**
 * A secret finding's fingerprint: the first 12 hex digits of an HMAC-SHA256 of the value, keyed with the
 * installation's secret (set by {@link #useKey}). Unkeyed, a short fingerprint in a readable report would let
 * anyone confirm a guessed password offline; keyed, it only tells findings apart and matches {@code analysis.allow}
 * entries of the same installation. Until the installation's key is set (plain code: tests, the benchmark) a
 * random key of this process is used.
 */
public final class SecretFingerprint {
    private SecretFingerprint() {
    }

    private static final String KEY_ID_LABEL = "sluice analyze fingerprint key id";
    private static volatile SecretKeySpec key = InstallationKey.of(InstallationKey.random());

    public static void useKey(byte[] secret) {
        key = InstallationKey.of(secret);
    }

    public static String of(String value) {
        return hmac(value).substring(0, 12);
    }

    /** Names the key without revealing it: a cached measurement's fingerprints are only valid under the same key. */
    public static String keyId() {
        return hmac(KEY_ID_LABEL).substring(0, 16);
    }

    private static String hmac(String value) {
        return InstallationKey.hmacHex(key, value);
    }
}
