package dev.sluice.route.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks a forge's webhook signature in constant time. */
final class WebhookSignatures {
    private WebhookSignatures() {
    }

    /** GitHub's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body. */
    static boolean githubValid(String secret, byte[] body, String header) {
        return header != null && header.startsWith("sha256=") && hexHmacMatches(secret, body, header.substring(7));
    }

    /** Gitea's X-Gitea-Signature and Gogs' X-Gogs-Signature: hex HMAC-SHA256 of the raw body. */
    static boolean hexHmacMatches(String secret, byte[] body, String hex) {
        if (hex == null) {
            return false;
        }
        byte[] expected = hmac(secret, body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.trim().toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    /** GitLab's X-Gitlab-Token: the secret itself. */
    static boolean tokenMatches(String secret, String token) {
        return token != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static String githubSignature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret, body));
    }
}
