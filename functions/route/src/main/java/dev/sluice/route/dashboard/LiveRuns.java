package dev.sluice.route.dashboard;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import dev.sluice.events.EventCodec;
import dev.sluice.run.RunTransitioned;

/**
 * Feeds the dashboard's server-sent events from {@link RunTransitioned}, which fires after each committed transition
 * of this instance. Several route instances share one database but each sees only its own transitions, so a browser
 * on one instance is not told of a transition another made (README "Dashboard").
 */
@ApplicationScoped
public class LiveRuns {
    /** Keeps a connection written to, so a proxy keeps it open and a browser that left is noticed. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(20);

    private final BroadcastProcessor<RunTransitioned> transitions = BroadcastProcessor.create();

    void on(@ObservesAsync RunTransitioned t) {
        synchronized (transitions) {
            transitions.onNext(t);
        }
    }

    /**
     * A stream of {@code transition} events (data: the run, its states before and after, the reason and time) for one
     * run or, with a null id, every run; a {@code ready} event first, then a {@code ping} now and then.
     */
    Multi<OutboundSseEvent> events(Sse sse, UUID runId) {
        Multi<OutboundSseEvent> changes = transitions.filter(t -> runId == null || runId.equals(t.runId()))
                .map(t -> sse.newEventBuilder().name("transition").id(t.runId() + "/" + t.at()).data(String.class, json(t)).build());
        Multi<OutboundSseEvent> pings = Multi.createFrom().ticks().every(KEEP_ALIVE)
                .map(n -> sse.newEventBuilder().name("ping").data(String.class, "{}").build());
        Multi<OutboundSseEvent> ready = Multi.createFrom().item(() -> sse.newEventBuilder().name("ready").data(String.class, "{}").build());
        return Multi.createBy().merging().streams(changes, ready, pings);
    }

    private static String json(RunTransitioned t) {
        try {
            return EventCodec.json().writeValueAsString(Map.of("runId", t.runId(), "from", t.from() == null ? "" : t.from().name(),
                    "to", t.to().name(), "reason", t.reason() == null ? "" : t.reason(), "at", t.at().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
