package dev.sluice.delivery;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.core.Response;

import org.hibernate.StaleStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;
import dev.sluice.events.TraceContext;

/**
 * Receives a CloudEvent over HTTP and gives it to the handler of its type, exactly once per
 * (consumer, source, id): the handler's work, its outbox events and the inbox row commit together, and a
 * redelivery gets the stored reply. Bad input gets 400 with a JSON body, and so does an event whose type needs a
 * proof it lacks ({@link ForgedEvents}); replies leave signed. A conflicting concurrent write is retried; an
 * unreachable database is a 503 with Retry-After; anything else is a 500 the broker will retry.
 */
@ApplicationScoped
public class EventDispatcher {
    private static final Logger LOG = Logger.getLogger(EventDispatcher.class);
    private static final int CONFLICT_RETRIES = 5;

    @Inject
    @Any
    Instance<EventHandler> handlers;

    @Inject
    OutboxRelay relay;

    @Inject
    ForgedEvents forged;

    @Inject
    EventProof proof;

    @Inject
    TraceContext tracing;

    public Response dispatch(String function, Map<String, String> headers, byte[] body) {
        CloudEvent event;
        try {
            event = EventCodec.read(headers, body);
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        boolean structured = EventCodec.isStructured(header(headers, "content-type"));
        EventHandler handler = handlerFor(function, event.getType());
        if (handler == null) {
            return ErrorBody.response(400, "unknown event type '" + event.getType() + "'"
                    + (function == null ? "" : " for function " + function),
                    Map.of("type", event.getType(), "accepted", acceptedTypes(function)));
        }
        Optional<Response> refused;
        try {
            refused = forged.refuse(handler.function(), event);
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.isCause(e)) { // the proof's key and the refusal's record live in the database
                return DatabaseUnavailable.response(e);
            }
            throw e;
        }
        if (refused.isPresent()) {
            return refused.get();
        }
        for (int attempt = 1;; attempt++) {
            try {
                Handled handled = tracing.around(handler.function(), event,
                        () -> QuarkusTransaction.requiringNew().call(() -> handleOnce(handler, event)));
                if (handled.outboxed()) {
                    relay.wake();
                }
                return reply(handled.reply(), structured);
            } catch (Throwable t) {
                BadEventException bad = find(t, BadEventException.class);
                if (bad != null) {
                    return ErrorBody.badInput(bad, Map.of("type", event.getType(), "id", event.getId()));
                }
                if (isConflict(t) && attempt < CONFLICT_RETRIES) {
                    LOG.debugf("conflict handling %s %s, attempt %d: %s", event.getType(), event.getId(), attempt, t);
                    continue;
                }
                if (DatabaseUnavailable.isCause(t)) {
                    LOG.warnf("%s cannot handle %s %s now, the database is unavailable: %s", handler.function(), event.getType(),
                            event.getId(), EventCodec.rootMessage(t));
                    return DatabaseUnavailable.response(t);
                }
                LOG.errorf(t, "%s failed on %s %s", handler.function(), event.getType(), event.getId());
                return ErrorBody.response(500, handler.function() + " failed on " + event.getType() + ": "
                        + EventCodec.rootMessage(t), Map.of("type", event.getType(), "id", event.getId()));
            }
        }
    }

    private record Handled(String reply, boolean outboxed) {
    }

    private Handled handleOnce(EventHandler handler, CloudEvent event) {
        String source = event.getSource().toString();
        InboxEntry.lock(handler.function(), source, event.getId());
        InboxEntry seen = InboxEntry.find(handler.function(), source, event.getId());
        if (seen != null) {
            LOG.debugf("%s already handled %s %s: replaying its reply", handler.function(), event.getType(), event.getId());
            return new Handled(seen.reply, false);
        }
        List<CloudEvent> out = handler.handle(event);
        String reply = out.isEmpty() || out.get(0) == null ? null : EventCodec.toStructuredString(proof.sign(out.get(0)));
        boolean outboxed = out.size() > 1;
        if (reply != null && !viaBroker(event)) {
            // posted straight to the function: its caller is no broker and would drop the reply, stranding the run
            OutboxEvent.add(out.get(0));
            outboxed = true;
        }
        for (int i = 1; i < out.size(); i++) {
            OutboxEvent.add(out.get(i));
        }
        InboxEntry entry = new InboxEntry();
        entry.consumer = handler.function();
        entry.eventSource = source;
        entry.eventId = event.getId();
        entry.eventType = event.getType();
        entry.reply = reply;
        entry.receivedAt = Instant.now();
        entry.persistAndFlush();
        return new Handled(reply, outboxed);
    }

    /** A Knative broker (and the local one) stamps every event it delivers with its arrival time. */
    public static final String ARRIVAL = "knativearrivaltime";

    /** Whether the event came through a broker, which routes the reply on; otherwise nobody may. */
    public static boolean viaBroker(CloudEvent event) {
        return event.getExtension(ARRIVAL) != null;
    }

    private static Response reply(String stored, boolean structured) {
        if (stored == null) {
            return Response.noContent().build();
        }
        CloudEvent reply = EventCodec.fromStructured(stored.getBytes(StandardCharsets.UTF_8));
        EventCodec.HttpMessage msg = EventCodec.write(reply, structured);
        Response.ResponseBuilder r = Response.ok(msg.body());
        msg.headers().forEach(r::header);
        return r.build();
    }

    public EventHandler handlerFor(String function, String type) {
        for (EventHandler h : handlers) {
            if ((function == null || function.equals(h.function())) && h.types().contains(type)) {
                return h;
            }
        }
        return null;
    }

    private Set<String> acceptedTypes(String function) {
        Set<String> types = new TreeSet<>();
        for (EventHandler h : handlers) {
            if (function == null || function.equals(h.function())) {
                types.addAll(h.types());
            }
        }
        return types;
    }

    private static String header(Map<String, String> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A write that lost to a concurrent one and may simply be tried again. */
    public static boolean isConflict(Throwable t) {
        if (find(t, OptimisticLockException.class) != null || find(t, StaleStateException.class) != null
                || find(t, ConstraintViolationException.class) != null) {
            return true;
        }
        SQLException sql = find(t, SQLException.class);
        // 23505 unique violation (a concurrent duplicate), 40001 serialization failure, 40P01 deadlock
        return sql != null && ("23505".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState())
                || "40P01".equals(sql.getSQLState()));
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
