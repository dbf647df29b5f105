package dev.sluice.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sluice.deploy.AnalysisSettings.Metric;
import dev.sluice.deploy.PrometheusQueries.Answer;

/**
 * Judges a canary step by its metrics ({@code canary.analysis}): on the checks of a step, once
 * {@code analysis.interval} has passed since the step began or since the last reading, every metric's query is run
 * against Prometheus for each canaried revision. A value outside its threshold fails the check; no data (an empty
 * answer, or Prometheus unreachable or answering an error) is what the metric's {@code noData} says: wait (past
 * {@code sluice.deploy.progress-deadline} since the step began it fails instead), pass or fail. {@code failureLimit}
 * failed checks in one step roll the release back; a step goes on only after its latest reading held. With no
 * Prometheus configured ({@code sluice.deploy.prometheus.url}) nothing is analysed and the report says so.
 */
@ApplicationScoped
public class CanaryAnalysis {
    static final int MAX_CHECKS = 100;

    @ConfigProperty(name = "sluice.deploy.prometheus.url")
    Optional<String> prometheusUrl;

    @ConfigProperty(name = "sluice.deploy.prometheus.timeout", defaultValue = "5s")
    Duration timeout;

    @ConfigProperty(name = "sluice.deploy.progress-deadline", defaultValue = "10m")
    Duration progressDeadline;

    private final PrometheusQueries prometheus = new PrometheusQueries();

    /** What a release's analysis stands at, kept in the ledger (column {@code analysis}) and shown in its report. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record State(String status, String note, int step, int failures, boolean held, Instant lastAt, List<Check> checks) {
        static final String OFF = "off";
        static final String ON = "on";
    }

    /** One reading of every metric, at a step: failed when it counts against the step. */
    public record Check(int step, int percent, Instant at, boolean failed, List<Reading> readings) {
    }

    /** One metric of one revision: its value (null: no data), the threshold, and pass / fail / no data / waiting. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reading(String metric, String revision, String query, Double value, String threshold, String outcome, String detail) {
        String describe() {
            String v = value == null ? "no data" + (detail == null ? "" : " (" + detail + ")") : AnalysisSettings.number(value);
            return metric + " of " + revision + " = " + v + " (" + threshold + ")";
        }
    }

    enum Outcome {
        /** Nothing to analyse: no Prometheus, no metrics. */
        OFF,
        /** The step's latest reading held. */
        HELD,
        /** No reading this step yet, no data yet, or a failed check under the limit. */
        WAITING,
        /** failureLimit failed checks in this step. */
        FAILED
    }

    /** @param fresh whether Prometheus was read for it (else it repeats the step's latest reading) */
    record Verdict(Outcome outcome, String summary, List<String> findings, boolean fresh) {
    }

    /** Why nothing is analysed, or null when Prometheus is configured and the release has metrics. */
    String offNote(RolloutSettings settings) {
        if (prometheusUrl.isEmpty() || prometheusUrl.get().isBlank()) {
            return "no metric analysis: no Prometheus configured (sluice.deploy.prometheus.url)";
        }
        if (settings.analysis() == null) {
            return "no metric analysis: the release was made before canary analysis existed";
        }
        if (settings.analysis().metrics().isEmpty()) {
            return "no metric analysis: canary.analysis.metrics is empty";
        }
        return null;
    }

    /** Reads the metrics of the release's current step if a reading is due, and says whether the step may go on. */
    Verdict judge(Release release, RolloutSettings settings, Instant now) {
        String off = offNote(settings);
        State state = release.analysisState();
        if (off != null) {
            if (state == null) {
                release.analysis = LedgerJson.write(new State(State.OFF, off, release.step, 0, true, null, List.of()));
            }
            return new Verdict(Outcome.OFF, off, List.of(), false);
        }
        AnalysisSettings a = settings.analysis();
        if (state == null || state.step() != release.step) {
            state = new State(State.ON, null, release.step, 0, false, null,
                    state == null || state.checks() == null ? List.of() : state.checks());
        }
        Instant since = state.lastAt() != null && state.lastAt().isAfter(release.lastStepAt) ? state.lastAt() : release.lastStepAt;
        if (since.plus(a.intervalDuration()).isAfter(now)) {
            String last = lastSummary(state);
            release.analysis = LedgerJson.write(state);
            return state.held() ? new Verdict(Outcome.HELD, "analysis held: " + last, List.of(), false)
                    : new Verdict(Outcome.WAITING, "analysis: " + (last == null ? "first reading of this step after " + a.interval() : last
                            + "; next reading after " + a.interval()), List.of(), false);
        }
        List<Reading> readings = read(release, a);
        boolean late = release.lastStepAt.plus(progressDeadline).isBefore(now);
        boolean failed = false;
        boolean waiting = false;
        List<Reading> judged = new ArrayList<>();
        for (Reading r : readings) {
            if ("waiting".equals(r.outcome()) && late) {
                r = new Reading(r.metric(), r.revision(), r.query(), null, r.threshold(), "fail",
                        (r.detail() == null ? "" : r.detail() + "; ") + "no data within " + progressDeadline.toSeconds()
                                + "s of the step (sluice.deploy.progress-deadline)");
            }
            failed |= "fail".equals(r.outcome());
            waiting |= "waiting".equals(r.outcome());
            judged.add(r);
        }
        int failures = state.failures() + (failed ? 1 : 0);
        List<Check> checks = new ArrayList<>(state.checks());
        checks.add(new Check(release.step, release.trafficPercent, now, failed, judged));
        if (checks.size() > MAX_CHECKS) {
            checks = checks.subList(checks.size() - MAX_CHECKS, checks.size());
        }
        boolean held = !failed && !waiting;
        release.analysis = LedgerJson.write(new State(State.ON, null, release.step, failures, held, now, List.copyOf(checks)));
        String summary = String.join("; ", judged.stream().map(Reading::describe).toList());
        if (failed && failures >= a.failureLimit()) {
            List<String> findings = new ArrayList<>();
            findings.add(failures + " failed check" + (failures == 1 ? "" : "s") + " in this step (" + a.failureLimit() + " roll back)");
            for (Reading r : judged) {
                if ("fail".equals(r.outcome())) {
                    findings.add(r.describe() + ", query " + r.query());
                }
            }
            return new Verdict(Outcome.FAILED, "analysis failed: " + summary, findings, true);
        }
        if (failed) {
            return new Verdict(Outcome.WAITING, "analysis: check failed (" + failures + " of " + a.failureLimit()
                    + " that roll back): " + summary, List.of(), true);
        }
        return held ? new Verdict(Outcome.HELD, "analysis held: " + summary, List.of(), true)
                : new Verdict(Outcome.WAITING, "analysis waiting for data: " + summary, List.of(), true);
    }

    private List<Reading> read(Release release, AnalysisSettings a) {
        List<Metric> metrics = new ArrayList<>();
        List<ServiceRevision> revisions = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (ServiceRevision r : release.serviceRevisions()) {
            if (!r.canaried()) {
                continue;
            }
            for (Metric m : a.metrics()) {
                metrics.add(m);
                revisions.add(r);
                queries.add(m.render(r, a.promRange()));
            }
        }
        List<Answer> answers = prometheus.query(prometheusUrl.orElseThrow(), queries, timeout);
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Metric m = metrics.get(i);
            Answer answer = answers.get(i);
            String outcome;
            if (answer.value() != null) {
                outcome = m.holds(answer.value()) ? "pass" : "fail";
            } else {
                outcome = switch (m.noData()) {
                    case Metric.PASS -> "pass";
                    case Metric.FAIL -> "fail";
                    default -> "waiting";
                };
            }
            out.add(new Reading(m.name(), revisions.get(i).revision(), queries.get(i), answer.value(), m.threshold(), outcome,
                    answer.problem()));
        }
        return out;
    }

    private static String lastSummary(State state) {
        if (state.lastAt() == null || state.checks().isEmpty()) {
            return null;
        }
        Check last = state.checks().get(state.checks().size() - 1);
        return String.join("; ", last.readings().stream().map(Reading::describe).toList());
    }
}
