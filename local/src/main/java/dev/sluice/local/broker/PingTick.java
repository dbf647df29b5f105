package dev.sluice.local.broker;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import dev.sluice.delivery.DatabaseUnavailable;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;

/**
 * What the PingSource is in a cluster: every {@code sluice.local.tick-interval} ("off" disables it) a
 * {@code dev.sluice.tick} goes into the broker, waking route for timeouts, retries and canary steps. The
 * first one comes right at start, so a restarted pipeline looks at its runs at once.
 */
@ApplicationScoped
public class PingTick {
    private static final Logger LOG = Logger.getLogger(PingTick.class);
    public static final String SOURCE = "/sluice/local/ping";

    @Inject
    LocalBroker broker;

    @Scheduled(identity = "sluice-local-tick", every = "${sluice.local.tick-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        try {
            broker.accept(EventCodec.event(UUID.randomUUID().toString(), EventTypes.TICK, SOURCE, null, Map.of()));
        } catch (RuntimeException e) {
            if (!DatabaseUnavailable.isCause(e)) {
                throw e;
            }
            // a missed tick is made up by the next one: one line, not a stack trace per tick while PostgreSQL restarts
            LOG.warnf("tick skipped, the database is unavailable: %s", EventCodec.rootMessage(e));
        }
    }
}
