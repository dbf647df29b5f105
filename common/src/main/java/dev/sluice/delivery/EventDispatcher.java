package dev.sluice.delivery;

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
 * Gives a CloudEvent (received by a function's {@code @Funq} method through {@link FunqyIngress}) to the handler of
 * its type, exactly once per (consumer, source, id): the handler's work, its outbox events and the inbox row commit
 * together, and a redelivery gets the stored reply. Bad input gets 400 with a JSON body, and so does an event whose
 * type needs a proof it lacks ({@link ForgedEvents}); replies leave signed. A conflicting concurrent write is retried; an
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

    /** What handling an event came to: the reply to send (null: none, a 204), or the error to answer instead. */
    public record Outcome(CloudEvent reply, Response error) {
        static Outcome failed(Response error) {
            return new Outcome(null, error);
        }
    }

    /**
     * The 400 for an event whose type no handler in this process takes (of {@code function}, when one is named), or
     * empty when one does.
     */
    public Optional<Response> refuseUnknownType(String function, CloudEvent event) {
        if (handlerFor(function, event.getType()) != null) {
            return Optional.empty();
        }
        return Optional.of(ErrorBody.response(400, "unknown event type '" + event.getType() + "'"
                + (function == null ? "" : " for function " + function),
                Map.of("type", event.getType(), "accepted", acceptedTypes(function))));
    }

    /**
     * Handles a parsed, valid event for {@code function} once: the proof gate, then the handler, its outbox events and
     * the inbox row in one transaction; a redelivery gets the stored reply.
     */
    public Outcome handle(String function, CloudEvent event) {
        Optional<Response> unknown = refuseUnknownType(function, event);
        if (unknown.isPresent()) {
            return Outcome.failed(unknown.get());
        }
        EventHandler handler = handlerFor(function, event.getType());
        Optional<Response> refused;
        try {
            refused = forged.refuse(handler.function(), event);
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.isCause(e)) { // the proof's key and the refusal's record live in the database
                return Outcome.failed(DatabaseUnavailable.response(e));
            }
            throw e;
        }
        if (refused.isPresent()) {
            return Outcome.failed(refused.get());
        }
        for (int attempt = 1;; attempt++) {
            try {
                Handled handled = tracing.around(handler.function(), event,
                        () -> QuarkusTransaction.requiringNew().call(() -> handleOnce(handler, event)));
                if (handled.outboxed()) {
                    relay.wake();
                }
                return new Outcome(handled.reply() == null ? null : EventCodec.fromStructured(handled.reply()), null);
            } catch (Throwable t) {
                BadEventException bad = find(t, BadEventException.class);
                if (bad != null) {
                    return Outcome.failed(ErrorBody.badInput(bad, Map.of("type", event.getType(), "id", event.getId())));
                }
                if (isConflict(t) && attempt < CONFLICT_RETRIES) {
                    LOG.debugf("conflict handling %s %s, attempt %d: %s", event.getType(), event.getId(), attempt, t);
                    continue;
                }
                if (DatabaseUnavailable.isCause(t)) {
                    LOG.warnf("%s cannot handle %s %s now, the database is unavailable: %s", handler.function(), event.getType(),
                            event.getId(), EventCodec.rootMessage(t));
                    return Outcome.failed(DatabaseUnavailable.response(t));
                }
                LOG.errorf(t, "%s failed on %s %s", handler.function(), event.getType(), event.getId());
                return Outcome.failed(ErrorBody.response(500, handler.function() + " failed on " + event.getType() + ": "
                        + EventCodec.rootMessage(t), Map.of("type", event.getType(), "id", event.getId())));
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
