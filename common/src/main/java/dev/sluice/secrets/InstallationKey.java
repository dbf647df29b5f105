package dev.sluice.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The keyed fingerprints of secret values (HMAC-SHA256) that analyze's findings and deploy's ledger store instead of
 * values, and the installation's key for them: configured, or generated once and kept in a one-row table
 * ({@code id = 1, secret, created_at}), so fingerprints stay the same across restarts and replicas. Unkeyed, a
 * fingerprint in a readable report would let anyone confirm a guessed password offline.
 */
public final class InstallationKey {
    private InstallationKey() {
    }

    public static final String ALGORITHM = "HmacSHA256";

    public static SecretKeySpec of(byte[] secret) {
        return new SecretKeySpec(secret, ALGORITHM);
    }

    /** The HMAC of a value under a key, in hex. */
    public static String hmacHex(SecretKeySpec key, String value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    public static byte[] random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * The configured key when set, else the one stored in {@code table}, stored first when there is none (two replicas
     * starting at once both end up with the first stored).
     *
     * @param table a table name of the caller's own, never input
     */
    public static byte[] load(Optional<String> configured, EntityManager em, String table) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get().getBytes(StandardCharsets.UTF_8);
        }
        return HexFormat.of().parseHex(QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("insert into " + table + " (id, secret, created_at) values (1, ?1, ?2) on conflict (id) do nothing")
                    .setParameter(1, HexFormat.of().formatHex(random()))
                    .setParameter(2, OffsetDateTime.now())
                    .executeUpdate();
            @SuppressWarnings("unchecked")
            List<String> secret = em.createNativeQuery("select secret from " + table + " where id = 1").getResultList();
            return secret.get(0);
        }));
    }
}
