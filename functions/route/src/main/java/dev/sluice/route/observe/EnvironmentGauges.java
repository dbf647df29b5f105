package dev.sluice.route.observe;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import dev.sluice.events.EventCodec;
import dev.sluice.route.orchestration.CircuitBreaker;

/**
 * Per-environment gauges read from the database: queue depth, the oldest queued run's wait, and the circuit breaker.
 * They are refreshed on a schedule ({@code sluice.metrics.refresh-interval}), never during a scrape: a scrape reads
 * numbers held in memory, so it is cheap and answers even while PostgreSQL is away (the numbers then keep their last
 * values and {@code sluice_metrics_refreshed_timestamp_seconds} stops moving).
 */
// made at start, so every series is in the first scrape (0 until something happens)
@Startup
@ApplicationScoped
public class EnvironmentGauges {
    private static final Logger LOG = Logger.getLogger(EnvironmentGauges.class);

    @Inject
    CircuitBreaker breaker;

    private final MultiGauge queueDepth;
    private final MultiGauge oldestWait;
    private final MultiGauge breakerOpen;
    private volatile double refreshedAt = Double.NaN;

    @Inject
    public EnvironmentGauges(MeterRegistry registry) {
        queueDepth = MultiGauge.builder("sluice.queue.depth").description("Runs QUEUED for an environment").register(registry);
        oldestWait = MultiGauge.builder("sluice.queue.oldest.wait").baseUnit("seconds")
                .description("How long the oldest QUEUED run of an environment has waited (0: none waits)").register(registry);
        breakerOpen = MultiGauge.builder("sluice.circuit.breaker.open")
                .description("1 while an environment's circuit breaker is open (its last deployments all failed), else 0")
                .register(registry);
        Gauge.builder("sluice.metrics.refreshed.timestamp", this, g -> g.refreshedAt).baseUnit("seconds")
                .description("When the per-environment gauges were last read from the database (Unix time)").register(registry);
    }

    /** One environment's numbers. */
    public record Environment(String project, String environment, long queued, double oldestWaitSeconds, boolean breakerOpen) {
        Tags tags() {
            return Tags.of("project", project == null ? "" : project, "environment", environment);
        }
    }

    @Scheduled(every = "${sluice.metrics.refresh-interval:15s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("environment gauges not refreshed: %s", EventCodec.rootMessage(e));
        }
    }

    /** Reads every environment's numbers in one short transaction and publishes them. */
    public List<Environment> refresh() {
        List<Environment> now = QuarkusTransaction.requiringNew().timeout(10).call(this::read);
        queueDepth.register(now.stream().map(e -> MultiGauge.Row.of(e.tags(), e.queued())).toList(), true);
        oldestWait.register(now.stream().map(e -> MultiGauge.Row.of(e.tags(), e.oldestWaitSeconds())).toList(), true);
        breakerOpen.register(now.stream().map(e -> MultiGauge.Row.of(e.tags(), e.breakerOpen() ? 1 : 0)).toList(), true);
        refreshedAt = System.currentTimeMillis() / 1000.0;
        return now;
    }

    @SuppressWarnings("unchecked")
    private List<Environment> read() {
        Instant now = Instant.now();
        // one row per environment a run was ever bound for; the queue's numbers from its QUEUED runs
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery(
                "select project, environment, count(*) filter (where state = 'QUEUED'),"
                        + " min(coalesce(stage_started_at, updated_at)) filter (where state = 'QUEUED')"
                        + " from runs where environment is not null group by project, environment order by project, environment")
                .getResultList();
        List<Environment> out = new ArrayList<>();
        for (Object[] r : rows) {
            String project = (String) r[0];
            String environment = (String) r[1];
            long queued = ((Number) r[2]).longValue();
            Instant oldest = instant(r[3]);
            double wait = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
            out.add(new Environment(project, environment, queued, wait, breaker.status(project, environment).open()));
        }
        return out;
    }

    private static Instant instant(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (o instanceof Timestamp t) {
            return t.toInstant();
        }
        return null;
    }
}
