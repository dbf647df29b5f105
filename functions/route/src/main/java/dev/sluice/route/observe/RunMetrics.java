package dev.sluice.route.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import dev.sluice.events.EventCodec;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransition;
import dev.sluice.run.RunTransitioned;

/**
 * Run metrics, counted from {@link RunTransitioned} (so only committed transitions count): runs started, runs finished by
 * final state, the time a run spent in each stage it left, and the time from its push to its final state. Labels are the
 * state or stage only: no run ids, shas or repositories.
 */
// made at start, so every series is in the first scrape (0 until something happens)
@Startup
@ApplicationScoped
public class RunMetrics {
    private static final Logger LOG = Logger.getLogger(RunMetrics.class);

    /** Bucket bounds of the duration histograms: a stage takes from well under a second to an approval's hours. */
    static final Duration[] BUCKETS = { Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6) };

    private final Counter started;
    private final Map<RunState, Counter> finished = new EnumMap<>(RunState.class);
    private final Map<RunState, Timer> toFinal = new EnumMap<>(RunState.class);
    private final Map<RunState, Timer> stages = new EnumMap<>(RunState.class);

    @Inject
    public RunMetrics(MeterRegistry registry) {
        started = Counter.builder("sluice.runs.started").description("Runs started (a push or a retry)").register(registry);
        for (RunState s : RunState.values()) {
            if (s.isFinal()) {
                finished.put(s, Counter.builder("sluice.runs.finished").description("Runs that reached a final state")
                        .tag("state", s.name()).register(registry));
                toFinal.put(s, Timer.builder("sluice.run.duration").description("Time from a run's push to its final state")
                        .tag("state", s.name()).serviceLevelObjectives(BUCKETS).register(registry));
            } else {
                stages.put(s, Timer.builder("sluice.run.stage.duration").description("Time a run spent in a stage before it left it")
                        .tag("stage", label(s)).serviceLevelObjectives(BUCKETS).register(registry));
            }
        }
    }

    static String label(RunState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    void onTransition(@ObservesAsync RunTransitioned t) {
        if (t.from() == null) {
            started.increment();
        } else {
            Timer stage = stages.get(t.from());
            Instant entered = stage == null ? null : enteredAt(t);
            if (entered != null && !t.at().isBefore(entered)) {
                stage.record(Duration.between(entered, t.at()));
            }
        }
        if (t.to().isFinal()) {
            finished.get(t.to()).increment();
            if (t.runCreatedAt() != null && !t.at().isBefore(t.runCreatedAt())) {
                toFinal.get(t.to()).record(Duration.between(t.runCreatedAt(), t.at()));
            }
        }
    }

    /** When the run entered the state it just left: the latest audit row into it (none when the database is away). */
    private static Instant enteredAt(RunTransitioned t) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> RunTransition.getEntityManager()
                    .createQuery("select max(t.at) from RunTransition t where t.runId = :run and t.toState = :state and t.at <= :at",
                            Instant.class)
                    .setParameter("run", t.runId()).setParameter("state", t.from()).setParameter("at", t.at()).getSingleResult());
        } catch (RuntimeException e) {
            LOG.debugf("stage time of run %s not recorded: %s", t.runId(), EventCodec.rootMessage(e));
            return null;
        }
    }
}
