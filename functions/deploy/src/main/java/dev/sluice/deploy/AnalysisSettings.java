package dev.sluice.deploy;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;

/**
 * A canary's metric analysis as a release follows it ({@code canary.analysis} in {@code .sluice.yaml}, defaults
 * filled in), kept with the release's rollout settings: every {@code interval} each metric's PromQL query is run with
 * the canary's revision, namespace, service and the interval substituted; {@code failureLimit} failed checks in one
 * step roll back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisSettings(String interval, int failureLimit, List<Metric> metrics) {

    static final String DEFAULT_INTERVAL = "1m";
    static final int DEFAULT_FAILURE_LIMIT = 2;

    /** Knative's queue-proxy counts every request the user container answered, by response code class. */
    static final Metric SUCCESS_RATE = new Metric("request-success-rate",
            "100 * sum(rate(revision_app_request_count{namespace_name=\"{{namespace}}\",revision_name=\"{{revision}}\","
                    + "response_code_class!=\"5xx\"}[{{interval}}])) / sum(rate(revision_app_request_count{"
                    + "namespace_name=\"{{namespace}}\",revision_name=\"{{revision}}\"}[{{interval}}]))",
            99.0, null, Metric.WAIT);
    /** ... and how long the user container took, in milliseconds. */
    static final Metric LATENCY_P99 = new Metric("request-duration-p99",
            "histogram_quantile(0.99, sum by (le) (rate(revision_app_request_latencies_bucket{namespace_name=\"{{namespace}}\","
                    + "revision_name=\"{{revision}}\"}[{{interval}}])))",
            null, 500.0, Metric.WAIT);

    /**
     * @param min the lowest value that passes, or null
     * @param max the highest value that passes, or null
     * @param noData what an empty answer (or none: Prometheus unreachable or answering an error) is: wait, pass or fail
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metric(String name, String query, Double min, Double max, String noData) {
        static final String WAIT = "wait";
        static final String PASS = "pass";
        static final String FAIL = "fail";

        boolean holds(double value) {
            return !Double.isNaN(value) && (min == null || value >= min) && (max == null || value <= max);
        }

        /** "min 99", "max 500", "min 1, max 5". */
        String threshold() {
            if (min != null && max != null) {
                return "min " + number(min) + ", max " + number(max);
            }
            return min != null ? "min " + number(min) : "max " + number(max);
        }

        String render(ServiceRevision r, String interval) {
            return query.replace("{{revision}}", r.revision()).replace("{{namespace}}", r.namespace())
                    .replace("{{service}}", r.service()).replace("{{interval}}", interval);
        }
    }

    static AnalysisSettings of(SluiceSettings.CanaryAnalysis file, String environment) {
        String interval = file == null || file.interval() == null ? DEFAULT_INTERVAL : file.interval();
        int limit = file == null || file.failureLimit() == null ? DEFAULT_FAILURE_LIMIT : file.failureLimit();
        List<Metric> metrics = file == null || file.metrics() == null ? List.of(SUCCESS_RATE, LATENCY_P99)
                : file.metrics().stream().map(m -> new Metric(m.name(), m.query(), m.min(), m.max(),
                        m.noData() == null ? Metric.WAIT : m.noData())).toList();
        AnalysisSettings s = new AnalysisSettings(interval, limit, metrics);
        try {
            if (s.intervalDuration().toMillis() < 1000) {
                throw new SettingsException(SluiceSettings.FILE + ": environment " + environment + " canary.analysis.interval '"
                        + interval + "' is under 1s");
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException(SluiceSettings.FILE + ": environment " + environment + " canary.analysis.interval '"
                    + interval + "' is not a duration (use e.g. 30s, 1m)");
        }
        return s;
    }

    @JsonIgnore
    Duration intervalDuration() {
        Duration d = io.quarkus.runtime.configuration.DurationConverter.parseDuration(interval.trim());
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("not a duration: " + interval);
        }
        return d;
    }

    /** The interval as PromQL writes a range: whole seconds, at least 1s. */
    @JsonIgnore
    String promRange() {
        return Math.max(1, intervalDuration().toSeconds()) + "s";
    }

    /** A value for a message: at most three decimals, none when it is whole (99.99999999 is "100"). */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) >= 1e15) {
            return String.valueOf(value);
        }
        return java.math.BigDecimal.valueOf(value).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
