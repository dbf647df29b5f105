package dev.sluice.local.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import dev.sluice.events.EventCodec;

/**
 * The threads that carry deliveries out: claim a due delivery (with a lease), POST it, then in one
 * transaction record the result and store any reply as a new event. A failed try is retried as the
 * delivery spec says; the last failure goes to the dead-letter sink. Workers sleep until woken: by a commit
 * that made deliveries due, by a retry falling due, or by a check every 200 ms for due deliveries nobody
 * holds, which also finds those a dead process had claimed once their lease has run out.
 */
@ApplicationScoped
public class DeliveryWorkers {
    private static final Logger LOG = Logger.getLogger(DeliveryWorkers.class);
    private static final long POLL_MS = 200;
    /** A worker looks for work at least this often even when nothing woke it. */
    private static final long IDLE_MS = 5_000;

    @ConfigProperty(name = "sluice.local.workers", defaultValue = "4")
    int workerCount;

    @ConfigProperty(name = "sluice.local.lease", defaultValue = "15s")
    Duration lease;

    @Inject
    DeliveryStore store;

    @Inject
    SubscriberCall subscriber;

    @Inject
    LocalBroker broker;

    @Inject
    LocalAddress address;

    @Inject
    Activator activator;
    @Inject
    MeterRegistry metrics;

    private final Object signal = new Object();
    private long wakeups;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService timer;
    private volatile boolean running;

    void start(@Observes StartupEvent started) {
        running = true;
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sluice-broker-timer"));
        long renewEvery = Math.max(500, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::wakeIfDue, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        for (int i = 1; i <= workerCount; i++) {
            Thread t = daemon(this::work, "sluice-broker-worker-" + i);
            threads.add(t);
            t.start();
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Wakes every idle worker: call after a commit that made deliveries due. */
    public void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
    }

    private void work() {
        while (running) {
            try {
                Optional<DeliveryStore.Claim> claim = address.port().isPresent()
                        ? QuarkusTransaction.requiringNew().call(() -> store.claimNext(lease))
                        : Optional.empty();
                if (claim.isPresent()) {
                    wake(); // there may be more: let idle workers look too
                    deliver(claim.get());
                } else {
                    idle();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("delivery worker: %s", EventCodec.rootMessage(e));
                sleepQuietly(1_000);
            }
        }
    }

    private void idle() throws InterruptedException {
        synchronized (signal) {
            long seen = wakeups;
            long until = System.currentTimeMillis() + IDLE_MS;
            while (running && seen == wakeups && System.currentTimeMillis() < until) {
                signal.wait(Math.max(1, until - System.currentTimeMillis()));
            }
        }
    }

    private void deliver(DeliveryStore.Claim claim) throws InterruptedException {
        inFlight.add(claim.token());
        try {
            CloudEvent event;
            try {
                event = EventCodec.fromStructured(claim.event());
            } catch (RuntimeException e) {
                // a row that can never be sent must not come back every lease
                LOG.errorf("delivery %d: the stored event cannot be read (%s); marked dead", claim.id(), EventCodec.rootMessage(e));
                QuarkusTransaction.requiringNew().run(() -> store.dead(claim.id(), null, "stored event unreadable: " + EventCodec.rootMessage(e)));
                return;
            }
            String url = address.resolve(claim.target());
            SubscriberCall.Outcome outcome;
            try {
                SubscriberCall.Outcome first = subscriber.post(url, event, claim.spec().timeout());
                // nobody was listening: the activator started the function (broker-only mode) and this try goes on
                outcome = first.status() == null && activator.activate(url) ? subscriber.post(url, event, claim.spec().timeout()) : first;
            } catch (InterruptedException e) {
                QuarkusTransaction.requiringNew().run(() -> store.release(claim));
                throw e;
            }
            Duration wakeAfter = QuarkusTransaction.requiringNew().call(() -> record(claim, event, url, outcome));
            if (wakeAfter != null) {
                wakeAfter(wakeAfter);
            }
        } finally {
            inFlight.remove(claim.token());
        }
    }

    /** @return when the workers should look again: now for new deliveries (a reply, a dead letter), later for a retry, or null */
    private Duration record(DeliveryStore.Claim claim, CloudEvent event, String url, SubscriberCall.Outcome outcome) {
        if (!store.stillClaimed(claim)) {
            LOG.warnf("delivery %d of %s %s: lease lost while posting to %s; another worker has it", claim.id(), event.getType(),
                    event.getId(), url);
            return null;
        }
        if (outcome.accepted()) {
            store.delivered(claim.id(), outcome.status());
            if (outcome.error() != null) {
                LOG.warnf("delivery %d of %s %s to %s: %s", claim.id(), event.getType(), event.getId(), url, outcome.error());
            }
            if (outcome.reply() != null) {
                Optional<CloudEvent> reply = broker.reply(outcome.reply(), event);
                if (reply.isEmpty()) {
                    return deadLetterExpired(claim, outcome.reply());
                }
                return broker.ingest(reply.get()).deliveries() > 0 ? Duration.ZERO : null;
            }
            return null;
        }
        int retriesDone = claim.attempts() - 1;
        if (outcome.retryable() && retriesDone < claim.spec().retry()) {
            Duration delay = claim.spec().delayBeforeRetry(retriesDone);
            store.retryLater(claim.id(), outcome.status(), outcome.describe(), delay);
            metrics.counter("sluice.deliveries.retried", "sender", "broker").increment();
            LOG.warnf("delivery %d of %s %s to %s (trigger %s) failed, try %d of %d: %s; next in %d ms", claim.id(), event.getType(),
                    event.getId(), url, claim.trigger(), claim.attempts(), claim.spec().retry() + 1, outcome.describe(), delay.toMillis());
            return delay;
        }
        store.dead(claim.id(), outcome.status(), outcome.describe());
        String why = String.format("%s %s to %s (trigger %s) failed after %d %s: %s", event.getType(), event.getId(), url,
                claim.trigger(), claim.attempts(), claim.attempts() == 1 ? "try" : "tries", outcome.describe());
        if (claim.deadLetterOf() != null) {
            LOG.errorf("dead-letter sink refused delivery %d: %s; the event stays dead in broker_deliveries", claim.id(), why);
            return null;
        }
        if (claim.deadLetterTarget() == null) {
            LOG.errorf("delivery %d dead, no dead-letter sink: %s", claim.id(), why);
            return null;
        }
        CloudEvent letter = DeadLetter.of(event, url, outcome);
        long row = store.insertEvent(letter);
        store.insertDelivery(row, claim.trigger(), claim.deadLetterTarget(), claim.spec(), null, claim.id());
        LOG.errorf("delivery %d dead-lettered to %s: %s", claim.id(), claim.deadLetterTarget(), why);
        return Duration.ZERO;
    }

    /** A reply dropped for its TTL goes to the Trigger's dead-letter sink like any event that cannot be delivered. */
    private Duration deadLetterExpired(DeliveryStore.Claim claim, CloudEvent reply) {
        if (claim.deadLetterTarget() == null) {
            LOG.errorf("reply %s %s to delivery %d dropped for its %s, and trigger %s has no dead-letter sink", reply.getType(),
                    reply.getId(), claim.id(), LocalBroker.TTL, claim.trigger());
            return null;
        }
        CloudEvent letter = DeadLetter.expired(reply);
        long row = store.insertEvent(letter);
        store.insertDelivery(row, claim.trigger(), claim.deadLetterTarget(), claim.spec(), null, claim.id());
        LOG.errorf("reply %s %s to delivery %d dropped for its %s: dead-lettered to %s", reply.getType(), reply.getId(),
                claim.id(), LocalBroker.TTL, claim.deadLetterTarget());
        return Duration.ZERO;
    }

    private void wakeAfter(Duration delay) {
        if (delay.isZero()) {
            wake();
        } else {
            timer.schedule(this::wake, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One cheap read instead of every idle worker polling with a claim. */
    private void wakeIfDue() {
        try {
            if (address.port().isPresent() && QuarkusTransaction.requiringNew().call(store::anyDue)) {
                wake();
            }
        } catch (RuntimeException e) {
            LOG.debugf("looking for due deliveries: %s", EventCodec.rootMessage(e));
        }
    }

    private void renewLeases() {
        try {
            if (!inFlight.isEmpty()) {
                QuarkusTransaction.requiringNew().run(() -> store.renew(Set.copyOf(inFlight), lease));
            }
        } catch (RuntimeException e) {
            LOG.warnf("renewing delivery leases: %s", EventCodec.rootMessage(e));
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
