package dev.sluice.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.configuration.DurationConverter;
import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.settings.SluiceSettings.EnvironmentSettings;

/**
 * How one release rolls out, fixed when it starts and kept with it in the ledger, so every later check follows
 * the settings of the commit being deployed without reading git again.
 *
 * @param steps canary traffic percentages in order; a last step of 100 is implied
 * @param probePath an HTTP path checked on the tagged canary revision before each step, or null
 * @param maxRestarts container restarts a canary revision may have before the gate fails
 * @param manifests the manifest paths the objects came from
 * @param analysis the canary's metric analysis (null in releases made before it existed)
 * @param selfHeal whether drift from the release, once verified, is undone by applying it again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutSettings(String strategy, List<Integer> steps, String interval, String probePath,
        String probeMaxLatency, int maxRestarts, boolean prune, List<String> manifests, AnalysisSettings analysis,
        Boolean selfHeal) {

    RolloutSettings(String strategy, List<Integer> steps, String interval, String probePath, String probeMaxLatency,
            int maxRestarts, boolean prune, List<String> manifests) {
        this(strategy, steps, interval, probePath, probeMaxLatency, maxRestarts, prune, manifests, null, null);
    }

    public static final String CANARY = "canary";
    public static final String ROLLING = "rolling";
    public static final String DIRECT = "direct";
    static final Set<String> STRATEGIES = Set.of(CANARY, ROLLING, DIRECT);
    /** The longest canary.probe.maxLatency: a check waits up to this (and 1s more) for its probes. */
    static final Duration MAX_PROBE_LATENCY = Duration.ofSeconds(10);

    /**
     * The settings of {@code environment} in a commit's {@code .sluice.yaml} (defaults when it names no such
     * environment); the request's strategy wins over the file's, since route resolved it for this run.
     *
     * @throws SettingsException when the interval or the probe latency is not a duration, or the latency is more than
     *         {@link #MAX_PROBE_LATENCY}
     */
    static RolloutSettings of(SluiceSettings settings, String environment, String requestedStrategy) {
        EnvironmentSettings env = settings.environments().stream().filter(e -> environment.equals(e.name())).findFirst()
                .orElseGet(() -> SluiceSettings.defaults().environments().get(0));
        String strategy = requestedStrategy != null && !requestedStrategy.isBlank() ? requestedStrategy : env.strategy();
        var canary = env.canary();
        var probe = canary.probe();
        RolloutSettings s = new RolloutSettings(strategy, List.copyOf(canary.steps()), canary.interval(),
                probe == null ? null : probe.path(), probe == null ? null : probe.maxLatency(),
                canary.maxRestarts() == null ? 0 : canary.maxRestarts(), Boolean.TRUE.equals(env.prune()),
                settings.manifests(), AnalysisSettings.of(canary.analysis(), environment), Boolean.TRUE.equals(env.selfHeal()));
        duration(s.interval, "environment " + environment + " canary.interval");
        if (s.probePath != null) {
            if (!s.probePath.startsWith("/")) {
                throw new SettingsException(SluiceSettings.FILE + ": environment " + environment
                        + " canary.probe.path must start with '/', got '" + s.probePath + "'");
            }
            String latency = s.probeMaxLatency == null ? "2s" : s.probeMaxLatency;
            if (duration(latency, "environment " + environment + " canary.probe.maxLatency").compareTo(MAX_PROBE_LATENCY) > 0) {
                throw new SettingsException(SluiceSettings.FILE + ": environment " + environment + " canary.probe.maxLatency '"
                        + latency + "' is more than " + MAX_PROBE_LATENCY.toSeconds() + "s: the probe is waited for inside a "
                        + "check, which must answer within deploy's request timeout");
            }
        }
        return s;
    }

    @JsonIgnore
    public boolean heals() {
        return Boolean.TRUE.equals(selfHeal);
    }

    /** The canary's traffic percentages, ending at 100. */
    @JsonIgnore
    public List<Integer> percents() {
        List<Integer> p = new ArrayList<>(steps);
        if (p.isEmpty() || p.get(p.size() - 1) != 100) {
            p.add(100);
        }
        return p;
    }

    @JsonIgnore
    public Duration intervalDuration() {
        return duration(interval, "canary.interval");
    }

    /** The probe's latency bound; 2s when the file names none. */
    @JsonIgnore
    public Duration probeLatencyBound() {
        return duration(probeMaxLatency == null ? "2s" : probeMaxLatency, "canary.probe.maxLatency");
    }

    private static Duration duration(String value, String what) {
        try {
            Duration d = DurationConverter.parseDuration(value.trim());
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw new SettingsException(SluiceSettings.FILE + ": " + what + " '" + value
                    + "' is not a duration (use e.g. 30s, 2m, 500ms)");
        }
    }
}
