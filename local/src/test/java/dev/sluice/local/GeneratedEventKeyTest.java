package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;

/** Without sluice.events.keys (as in a plain local run) the functions sign with one key generated once into event_keys. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(GeneratedEventKeyTest.NoConfiguredKey.class)
class GeneratedEventKeyTest {
    /** The functions' %test profiles (their application.properties are on this classpath too) set a key: unset it. */
    public static class NoConfiguredKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.events.keys", "");
        }
    }

    @Inject
    EventProof proof;

    @Inject
    EntityManager em;

    @SuppressWarnings("unchecked")
    private List<String> storedKeys() {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select secret from event_keys").getResultList());
    }

    @Test
    void theKeyIsGeneratedOnceKeptInTheDatabaseAndSignsAndVerifies() {
        UUID run = UUID.randomUUID();
        CloudEvent signed = proof.sign(EventCodec.event(EventTypes.ANALYSIS_COMPLETED, "analyze", run, Map.of("runId", run, "attempt", 1)));
        assertThat(proof.refusal(signed)).isEmpty();
        proof.sign(EventCodec.event(EventTypes.VALIDATION_REQUESTED, "route", run, Map.of("runId", run, "attempt", 1)));

        List<String> keys = storedKeys();
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).as("256 random bits, hex").matches("[0-9a-f]{64}");
        // any function sharing this database signs with the stored key, so verifies what this one signed
        assertThat(signed.getExtension(EventProof.EXTENSION))
                .isEqualTo(EventProof.proof(signed, keys.get(0).getBytes(StandardCharsets.UTF_8)));
        assertThat(EventProof.refusal(signed, List.of("some-other-installations-key".getBytes(StandardCharsets.UTF_8)))).isPresent();
    }
}
