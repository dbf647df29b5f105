package dev.sluice.analyze.secrets;

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
 * The installation's key for secret fingerprints ({@link SecretFingerprint}): {@code sluice.analyze.fingerprint-key}
 * when set, else a random key generated once and kept in the table {@code analysis_fingerprint_key} (migration
 * V11), so fingerprints stay the same across restarts and replicas, and {@code analysis.allow} entries naming one
 * keep matching.
 */
@ApplicationScoped
public class FingerprintKey extends KeyInstaller {
    @ConfigProperty(name = "sluice.analyze.fingerprint-key")
    Optional<String> configured;

    @Inject
    EntityManager em;

    void onStart(@Observes StartupEvent event) {
        install();
    }

    @Override
    protected byte[] key() {
        return InstallationKey.load(configured, em, "analysis_fingerprint_key");
    }

    @Override
    protected void use(byte[] key) {
        SecretFingerprint.useKey(key);
    }
}
