package dev.sluice.route.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.delivery.EventGate;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.ForgedEvents;
import dev.sluice.delivery.InboxEntry;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;
import dev.sluice.events.EventTypes;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.run.Run;
import dev.sluice.run.RunTransitions.Cause;

/**
 * The broker's deadLetterSink: an event that could not be delivered is stored whole, and the run it belongs
 * to (its subject, or data.runId) FAILS saying which event could not reach which function, and why. Only what the
 * broker can have sent is taken: one of Sluice's own events with a valid proof, or a push or tick (which fails no run).
 */
@Path("/dead-letter")
public class DeadLetterResource {
    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);
    /** Sent from outside, so unsigned: stored when undeliverable, but they fail no run. */
    private static final Set<String> OUTSIDE_TYPES = Stream.concat(EventTypes.PUSHES.stream(),
            Stream.of(EventTypes.TICK, RouteEvents.PING)).collect(Collectors.toUnmodifiableSet());

    @Inject
    RunOrchestrator orchestrator;
    @Inject
    OutboxRelay relay;
    @Inject
    ForgedEvents forged;
    @Inject
    MeterRegistry metrics;

    @POST
    @Consumes("*/*")
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@Context HttpHeaders headers, byte[] body) {
        CloudEvent event;
        try {
            event = EventCodec.read(EventGate.flatten(headers), body);
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        String destination = extension(event, "knativeerrordest");
        String code = extension(event, "knativeerrorcode");
        String data = decode(extension(event, "knativeerrordata"));
        // what dead_letters holds (V5): a broker sends a URL and an HTTP status, never more
        if (code != null && code.length() > 64 || destination != null && destination.length() > 2000) {
            String name = code != null && code.length() > 64 ? "knativeerrorcode" : "knativeerrordest";
            return ErrorBody.badInput(new BadEventException("CloudEvent extension '" + name + "' is too long for a dead letter: at most "
                    + (name.equals("knativeerrorcode") ? 64 : 2000) + " characters", "CloudEvent extension '" + name + "'"));
        }
        // A dead letter is one of Sluice's own events (its proof must hold) or one from outside that names no run.
        if (EventProof.needsProof(event.getType())) {
            Optional<Response> refused = forged.refuse("route's dead-letter sink", event);
            if (refused.isPresent()) {
                return refused.get();
            }
        } else if (!OUTSIDE_TYPES.contains(event.getType())) {
            return ErrorBody.response(400, event.getType() + " is not an event the broker delivers to a Sluice function: "
                    + "not a dead letter", Map.of("type", event.getType(), "id", event.getId()));
        }
        UUID runId = EventProof.needsProof(event.getType()) ? ForgedEvents.runId(event) : null;
        boolean stored = QuarkusTransaction.requiringNew().call(() -> {
            // concurrent deliveries of one dead letter: the later ones wait and find the first (no unique violation)
            InboxEntry.lock("dead-letter", event.getSource().toString(), event.getId());
            if (DeadLetter.count("eventSource = ?1 and eventId = ?2 and destination = ?3", event.getSource().toString(),
                    event.getId(), destination) > 0) {
                return false;
            }
            DeadLetter d = new DeadLetter();
            d.eventId = event.getId();
            d.eventSource = event.getSource().toString();
            d.eventType = event.getType();
            d.runId = runId;
            d.destination = destination;
            d.errorCode = code;
            d.errorData = data;
            d.event = EventCodec.toStructuredString(event);
            d.receivedAt = Instant.now();
            d.persist();
            Run run = runId == null ? null : Run.findById(runId, LockModeType.PESSIMISTIC_WRITE);
            if (run != null) {
                String what = "event " + event.getType() + " could not be delivered to " + (destination == null ? "its subscriber" : destination)
                        + (code == null ? "" : " (HTTP " + code + ")") + (data == null || data.isBlank() ? "" : ": " + abbreviate(data));
                List<CloudEvent> out = orchestrator.onUndeliverable(run, what, new Cause(event.getId(), "dead-letter:" + event.getType()));
                out.forEach(OutboxEvent::add);
            }
            return true;
        });
        if (stored) {
            // the type is a Sluice event or a push or tick (checked above): a bounded label
            metrics.counter("sluice.deliveries.dead.lettered", "type", event.getType()).increment();
            relay.wake();
            LOG.errorf("dead letter: %s %s (run %s) could not be delivered to %s: %s %s", event.getType(), event.getId(), runId,
                    destination, code, data == null ? "" : abbreviate(data));
        }
        return Response.ok(Map.of("stored", stored, "runId", runId == null ? "" : runId.toString())).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> list(@QueryParam("limit") Integer limit) {
        int n = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
        return DeadLetter.<DeadLetter> find("order by receivedAt desc").page(0, n).list().stream()
                .map(d -> Map.<String, Object> of("id", d.id, "eventId", d.eventId, "type", d.eventType,
                        "runId", d.runId == null ? "" : d.runId.toString(), "destination", d.destination == null ? "" : d.destination,
                        "errorCode", d.errorCode == null ? "" : d.errorCode, "errorData", d.errorData == null ? "" : d.errorData,
                        "receivedAt", d.receivedAt.toString()))
                .toList();
    }

    private static String extension(CloudEvent e, String name) {
        Object v = e.getExtension(name);
        return v == null ? null : v.toString();
    }

    private static String decode(String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            // the subscriber's answer, not the sender's input: kept, with NUL (which PostgreSQL refuses) made visible
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
