package dev.sluice.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;
import dev.sluice.run.Run;
import dev.sluice.run.RunEvent;

/**
 * The gate before a handler: an event whose type needs a proof ({@link EventProof}) and lacks a valid one is
 * never applied. It gets 400 with a JSON body, a log line, and a REFUSED row on the run it names, if that run exists.
 */
@ApplicationScoped
public class ForgedEvents {
    private static final Logger LOG = Logger.getLogger(ForgedEvents.class);

    @Inject
    EventProof proof;

    /** The 400 for an event without a valid proof (recorded), or empty when it may be handled. */
    public Optional<Response> refuse(String consumer, CloudEvent event) {
        Optional<String> why = proof.refusal(event);
        if (why.isEmpty()) {
            return Optional.empty();
        }
        UUID runId = runId(event);
        LOG.warnf("%s refused %s %s from %s (run %s): %s", consumer, event.getType(), event.getId(), event.getSource(),
                runId, why.get());
        if (runId != null) {
            QuarkusTransaction.requiringNew().run(() -> {
                if (Run.findById(runId) != null) {
                    RunEvent.record(runId, event.getId(), event.getType(), RunEvent.Outcome.REFUSED,
                            consumer + " refused an unproven event from " + event.getSource() + ": " + why.get());
                }
            });
        }
        return Optional.of(ErrorBody.response(400, why.get(), Map.of("type", event.getType(), "id", event.getId(),
                "refused", "proof")));
    }

    /** The run an event names: its subject, else data.runId; null when it names none. */
    public static UUID runId(CloudEvent event) {
        try {
            if (event.getSubject() != null) {
                return UUID.fromString(event.getSubject());
            }
        } catch (IllegalArgumentException ignored) {
            // not a run id: look in the data
        }
        try {
            JsonNode data = EventCodec.dataTree(event);
            return data.hasNonNull("runId") ? UUID.fromString(data.get("runId").asText()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
