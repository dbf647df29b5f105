package dev.sluice.deploy;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import dev.sluice.secrets.InstallationKey;

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
        return InstallationKey.load(configured, em, "ledger_fingerprint_key");
    }
}
