package dev.sluice.deploy;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import dev.sluice.secrets.InstallationKey;
import dev.sluice.secrets.KeyInstaller;

/**
 * The installation's key for the ledger's fingerprints ({@link SecretValues}): {@code sluice.deploy.fingerprint-key}
 * when set (from a Kubernetes Secret), else a random key generated once and kept in {@code ledger_fingerprint_key}
 * (migration V33), so an unchanged Secret value has the same fingerprint in every release, across restarts and
 * replicas, and a plan does not show it changed.
 */
@ApplicationScoped
public class LedgerFingerprintKey extends KeyInstaller {
    @ConfigProperty(name = "sluice.deploy.fingerprint-key")
    Optional<String> configured;

    @Inject
    EntityManager em;

    void onStart(@Observes StartupEvent event) {
        install();
    }

    @Override
    protected byte[] key() {
        return InstallationKey.load(configured, em, "ledger_fingerprint_key");
    }

    @Override
    protected void use(byte[] key) {
        SecretValues.useKey(key);
    }
}
