package dev.sluice.analyze;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret finding's fingerprint: the first 12 hex digits of an HMAC-SHA256 of the value, keyed with the
 * installation's secret (set by {@link #useKey}). Unkeyed, a short fingerprint in a readable report would let
 * anyone confirm a guessed password offline; keyed, it only tells findings apart and matches {@code analysis.allow}
 * entries of the same installation. Until the installation's key is set (plain code: tests, the benchmark) a
 * random key of this process is used.
 */
final class SecretFingerprint {
    private SecretFingerprint() {
    }

    private static final String ALGORITHM = "HmacSHA256";
    private static final String KEY_ID_LABEL = "sluice analyze fingerprint key id";
    private static volatile SecretKeySpec key = new SecretKeySpec(random(), ALGORITHM);

    static void useKey(byte[] secret) {
        key = new SecretKeySpec(secret, ALGORITHM);
    }

    static String of(String value) {
        return hmac(value).substring(0, 12);
    }

    /** Names the key without revealing it: a cached measurement's fingerprints are only valid under the same key. */
    static String keyId() {
        return hmac(KEY_ID_LABEL).substring(0, 16);
    }

    private static String hmac(String value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    static byte[] random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
