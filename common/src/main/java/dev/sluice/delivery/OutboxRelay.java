package dev.sluice.delivery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventProof;

/**
 * Posts outbox events to the broker ingress ({@code sluice.sink}, else {@code K_SINK} as a SinkBinding
 * injects it), oldest first, until each is accepted. An event is never dropped: a refused post is retried
 * with backoff, capped at a minute. Each event leaves with its proof ({@link EventProof}).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @ConfigProperty(name = "sluice.sink")
    Optional<String> sink;

    @ConfigProperty(name = "sluice.outbox.enabled", defaultValue = "true")
    boolean enabled;

    /**
     * Where Knative mounts the OIDC token of route's SinkBinding when the broker asks senders for one (feature
     * authentication-oidc); read at each post, since Knative renews it. No file: no Authorization header.
     */
    @ConfigProperty(name = "sluice.sink.token-file", defaultValue = "/oidc/token")
    String tokenFile;

    @Inject
    EventProof proof;

    @Inject
    MeterRegistry metrics;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService waker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean warnedNoSink;

    /** Asks for a flush soon, after the caller's transaction has committed. */
    public void wake() {
        if (enabled && pending.compareAndSet(false, true)) {
            waker.submit(() -> {
                pending.set(false);
                flushQuietly();
            });
        }
    }

    @Scheduled(every = "${sluice.outbox.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (enabled) {
            flushQuietly();
        }
    }

    void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay: %s", EventCodec.rootMessage(e));
        }
    }

    /** @return how many events were accepted by the sink */
    public synchronized int flush() {
        String target = target();
        if (target == null) {
            if (!warnedNoSink) {
                warnedNoSink = true;
                LOG.warn("no broker sink configured (sluice.sink or K_SINK): outbox events wait until one is");
            }
            return 0;
        }
        int sent = 0;
        while (true) {
            int[] batch = QuarkusTransaction.requiringNew().call(() -> relayBatch(target));
            sent += batch[0];
            if (batch[1] < 20 || batch[0] == 0) {
                return sent;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private int[] relayBatch(String target) {
        List<OutboxEvent> due = Panache.getEntityManager().createNativeQuery(
                "select * from outbox where sent_at is null and next_attempt_at <= now() order by id limit 20 for update skip locked",
                OutboxEvent.class).getResultList();
        int sent = 0;
        for (OutboxEvent o : due) {
            String error = post(target, proof.sign(EventCodec.fromStructured(o.event)));
            if (error == null) {
                o.sentAt = Instant.now();
                sent++;
            } else {
                o.attempts++;
                metrics.counter("sluice.deliveries.retried", "sender", "outbox").increment();
                long delayMs = Math.min(60_000L, 500L << Math.min(o.attempts, 10));
                o.nextAttemptAt = Instant.now().plusMillis(delayMs);
                o.lastError = error.length() > 2000 ? error.substring(0, 2000) : error;
                LOG.warnf("outbox event %s (%s) not accepted by %s, attempt %d: %s", o.eventId, o.eventType, target,
                        o.attempts, error);
                break; // keep order: later events wait for this one
            }
        }
        return new int[] { sent, due.size() };
    }

    private String post(String target, CloudEvent event) {
        EventCodec.HttpMessage msg = EventCodec.write(event, false);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(msg.body()));
        msg.headers().forEach(req::header);
        sinkToken().ifPresent(token -> req.header("Authorization", "Bearer " + token));
        try {
            HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() / 100 == 2 ? null : "HTTP " + resp.statusCode() + ": " + resp.body();
        } catch (java.io.IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private Optional<String> sinkToken() {
        try {
            Path file = Path.of(tokenFile);
            return Files.isReadable(file) ? Optional.of(Files.readString(file).trim()).filter(t -> !t.isEmpty()) : Optional.empty();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            LOG.warnf("cannot read the sink token %s: %s", tokenFile, e.getMessage());
            return Optional.empty();
        }
    }

    private String target() {
        return sink.filter(s -> !s.isBlank()).orElseGet(() -> {
            String env = System.getenv("K_SINK");
            return env == null || env.isBlank() ? null : env;
        });
    }

    @PreDestroy
    void stop() {
        waker.shutdownNow();
    }
}
