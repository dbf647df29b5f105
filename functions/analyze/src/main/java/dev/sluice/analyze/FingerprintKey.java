package dev.sluice.analyze;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * The installation's key for secret fingerprints ({@link SecretFingerprint}): {@code sluice.analyze.fingerprint-key}
 * when set, else a random key generated once and kept in the table {@code analysis_fingerprint_key} (migration
 * V11), so fingerprints stay the same across restarts and replicas, and {@code analysis.allow} entries naming one
 * keep matching.
 */
@ApplicationScoped
public class FingerprintKey {
    @ConfigProperty(name = "sluice.analyze.fingerprint-key")
    Optional<String> configured;

    @Inject
    EntityManager em;

    private volatile boolean installed;

    void onStart(@Observes StartupEvent event) {
        install();
    }

    /** Puts the key in use, once; the handler calls it too, in case a request comes before the start-up event. */
    void install() {
        if (installed) {
            return;
        }
        synchronized (this) {
            if (!installed) {
                SecretFingerprint.useKey(key());
                installed = true;
            }
        }
    }

    byte[] key() {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get().getBytes(StandardCharsets.UTF_8);
        }
        return HexFormat.of().parseHex(QuarkusTransaction.requiringNew().call(this::storedOrNew));
    }

    /** The stored key, or a new one stored first; two replicas starting at once both end up with the first stored. */
    private String storedOrNew() {
        em.createNativeQuery("insert into analysis_fingerprint_key (id, secret, created_at) values (1, ?1, ?2)"
                + " on conflict (id) do nothing")
                .setParameter(1, HexFormat.of().formatHex(SecretFingerprint.random()))
                .setParameter(2, OffsetDateTime.now())
                .executeUpdate();
        @SuppressWarnings("unchecked")
        List<String> secret = em.createNativeQuery("select secret from analysis_fingerprint_key where id = 1").getResultList();
        return secret.get(0);
    }
}
