package dev.sluice.deploy;

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
 * The installation's key for the ledger's fingerprints ({@link SecretValues}): {@code sluice.deploy.fingerprint-key}
 * when set (from a Kubernetes Secret), else a random key generated once and kept in {@code ledger_fingerprint_key}
 * (migration V33), so an unchanged Secret value has the same fingerprint in every release, across restarts and
 * replicas, and a plan does not show it changed.
 */
@ApplicationScoped
public class LedgerFingerprintKey {
    @ConfigProperty(name = "sluice.deploy.fingerprint-key")
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
                SecretValues.useKey(key());
                installed = true;
            }
        }
    }

    private byte[] key() {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get().getBytes(StandardCharsets.UTF_8);
        }
        return HexFormat.of().parseHex(QuarkusTransaction.requiringNew().call(this::storedOrNew));
    }

    /** The stored key, or a new one stored first; two replicas starting at once both end up with the first stored. */
    private String storedOrNew() {
        em.createNativeQuery("insert into ledger_fingerprint_key (id, secret, created_at) values (1, ?1, ?2)"
                + " on conflict (id) do nothing")
                .setParameter(1, HexFormat.of().formatHex(SecretValues.random()))
                .setParameter(2, OffsetDateTime.now())
                .executeUpdate();
        @SuppressWarnings("unchecked")
        List<String> secret = em.createNativeQuery("select secret from ledger_fingerprint_key where id = 1").getResultList();
        return secret.get(0);
    }
}
