package dev.sluice.delivery;

import java.util.List;
import java.util.Set;

import io.cloudevents.CloudEvent;

/**
 * One function's handling of the event types it subscribes to. Implementations are CDI beans; the
 * {@link EventDispatcher} finds them by type, so the same handlers serve a function on its own and the
 * whole pipeline in one process.
 */
public interface EventHandler {
    /** The function this handler belongs to: route, analyze, validate or deploy. */
    String function();

    Set<String> types();

    /**
     * Handles one event inside the dispatcher's transaction. The first event returned is the HTTP reply
     * (the broker routes it on); any others go to the outbox in the same transaction. An empty list
     * replies 204. Throw {@link dev.sluice.events.BadEventException} for input that can never succeed.
     */
    List<CloudEvent> handle(CloudEvent event);
}
