package dev.sluice.analyze;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.Repository;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.AnalysisCompleted;
import dev.sluice.events.Payloads.AnalysisRequested;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.git.RepositoryAllowlist;
import dev.sluice.report.StageReport;
import dev.sluice.settings.ResolvedSettings;
import dev.sluice.settings.SettingsException;
import dev.sluice.analyze.risk.RiskAssessment;
import dev.sluice.analyze.secrets.FingerprintKey;

/**
 * The analyze function. Woken by {@code dev.sluice.analysis.requested}; checks the repository URL against the
 * allowlist, measures the pushed change (or takes the cached measurement of the same repository, before and
 * after), judges it, stores the full report and replies {@code dev.sluice.analysis.completed} (decision, score,
 * confidence, top factors, resolved settings), or {@code dev.sluice.step.failed}: retryable when the repository
 * cannot be read, not when the URL is refused or {@code .sluice.yaml} is broken.
 */
@ApplicationScoped
public class AnalysisHandler implements EventHandler {
    private static final Logger LOG = Logger.getLogger(AnalysisHandler.class);
    static final String FUNCTION = "analyze";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ZEROS = Pattern.compile("0{40}");
    static final int REPLY_FACTORS = 5;

    @Inject
    RepositoryCache cache;
    @Inject
    RepositoryAllowlist allowlist;
    @Inject
    TreeCache trees;
    @Inject
    FingerprintKey fingerprintKey;
    @Inject
    MeterRegistry metrics;

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.ANALYSIS_REQUESTED);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        long started = System.nanoTime();
        AnalysisRequested request = validated(EventCodec.data(event, AnalysisRequested.class));
        String after = request.after().toLowerCase(Locale.ROOT);
        String before = usableBefore(request.before());
        Optional<String> refused = allowlist.refusal(request.repositoryUrl());
        if (refused.isPresent()) {
            // Refused before any fetch: a push must not make Sluice reach an address the operator did not allow.
            LOG.warnf("run %s: refused %s: %s", request.runId(), request.repositoryUrl(), refused.get());
            return failed(request, refused.get(), false);
        }
        try {
            fingerprintKey.install();
            Measurement m = AnalysisCacheEntry.find(request.repositoryUrl(), before, after).orElse(null);
            if (m == null) {
                Measured measured = measure(request, before, after);
                m = measured.measurement();
                if (measured.cacheable()) {
                    AnalysisCacheEntry.store(request.repositoryUrl(), before, after, m);
                }
            }
            if (m.wholeTree()) {
                m = m.withWholeTreeReason(wholeTreeReason(request, before, m));
            }
            ResolvedSettings settings = m.settings().resolve(request.ref());
            List<DeployingRuns.Overlap> busy = DeployingRuns.overlaps(request.runId(), settings.environment(),
                    settings.namespace(), m.changedObjects());
            RiskAssessment risk = RiskAssessment.of(m, settings, Boolean.TRUE.equals(request.forced()), busy);
            AnalysisReport report = new AnalysisReport(request.runId(), request.attempt(), request.repositoryUrl(),
                    request.ref(), request.before(), request.forced(), m.base(), m.head(), m.wholeTree(),
                    m.wholeTreeReason(), m.fetch(), AnalysisReport.totals(m, settings.limits().reviewLines()), m.files(),
                    m.languages(), m.graph(), risk.factors(), m.secrets(), m.allowedSecrets(), m.duplicateObjects(), busy,
                    risk.decision(), risk.riskScore(), risk.confidence(), risk.confidenceNotes(), risk.recommendations(),
                    settings, Measurement.VERSION, (System.nanoTime() - started) / 1_000_000);
            StageReport.save(request.runId(), StageReport.ANALYSIS, request.attempt(), report);
            metrics.timer("sluice.analysis.duration", "decision", String.valueOf(risk.decision()))
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            return List.of(EventCodec.event(EventTypes.ANALYSIS_COMPLETED, FUNCTION, request.runId(),
                    new AnalysisCompleted(request.runId(), request.attempt(), risk.decision(), risk.riskScore(),
                            risk.confidence(), risk.topFactors(REPLY_FACTORS), settings)));
        } catch (GitAccessException | IOException e) {
            LOG.warnf("run %s: cannot read %s at %s: %s", request.runId(), request.repositoryUrl(), after, e.getMessage());
            return failed(request, "cannot read " + request.repositoryUrl() + " at " + after + ": " + e.getMessage(), true);
        } catch (SettingsException e) {
            return failed(request, e.getMessage(), false);
        }
    }

    /** A measurement, and whether it may be cached: not when it stands in for one that a failed fetch prevented. */
    private record Measured(Measurement measurement, boolean cacheable) {
    }

    /**
     * Fetches what is missing and measures the change against {@code before}, or the whole tree without a usable
     * base. The whole-tree reason it stores says only what the cache key says; {@link #wholeTreeReason} words it.
     */
    private Measured measure(AnalysisRequested r, String before, String after) throws IOException {
        RepositoryCache.Cached cached = cache.repositoryWith(r.repositoryUrl(), r.ref(), after, before);
        Repository repo = cached.repository();
        if (before == null) {
            return new Measured(Measure.of(repo, null, NO_BASE, after, trees, cached.fetch()), true);
        }
        if (!GitRepositories.has(repo, before)) {
            if (cached.beforeFetchError() != null) {
                // The remote may well have it: this whole-tree analysis holds for this request only.
                return new Measured(Measure.of(repo, null, "previous commit " + before + " could not be fetched: "
                        + cached.beforeFetchError(), after, trees, cached.fetch()), false);
            }
            // Typical of a forced push: the old commit is gone from the remote, so there is nothing to diff against.
            return new Measured(Measure.of(repo, null, "previous commit " + before + " is not in the repository", after,
                    trees, cached.fetch()), true);
        }
        return new Measured(Measure.of(repo, before, null, after, trees, cached.fetch()), true);
    }

    private static final String NO_BASE = "no previous commit";

    /** Why this request got a whole-tree analysis, in its own words (the cached reason holds none of them). */
    private static String wholeTreeReason(AnalysisRequested r, String before, Measurement m) {
        if (before == null) {
            return r.before() == null || r.before().isEmpty() ? "no previous commit was given"
                    : "first push of " + r.ref() + " (before is all zeros)";
        }
        return m.wholeTreeReason() + (Boolean.TRUE.equals(r.forced()) ? " (forced push)" : "");
    }

    private static String usableBefore(String before) {
        if (before == null || before.isEmpty()) {
            return null;
        }
        String b = before.toLowerCase(Locale.ROOT);
        return ZEROS.matcher(b).matches() ? null : b;
    }

    private static AnalysisRequested validated(AnalysisRequested r) {
        if (r.runId() == null) {
            throw new BadEventException("runId is required");
        }
        if (r.repositoryUrl() == null || r.repositoryUrl().isBlank()) {
            throw new BadEventException("repositoryUrl is required");
        }
        if (r.ref() == null || r.ref().isBlank()) {
            throw new BadEventException("ref is required");
        }
        if (r.after() == null || r.after().isBlank()) {
            throw new BadEventException("after is required");
        }
        if (!SHA.matcher(r.after().toLowerCase(Locale.ROOT)).matches()) {
            throw new BadEventException("after must be a 40-hex commit sha, got '" + r.after() + "'");
        }
        if (r.before() != null && !r.before().isEmpty() && !SHA.matcher(r.before().toLowerCase(Locale.ROOT)).matches()) {
            throw new BadEventException("before must be a 40-hex commit sha or null, got '" + r.before() + "'");
        }
        return r;
    }

    private static List<CloudEvent> failed(AnalysisRequested r, String error, boolean retryable) {
        return List.of(EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, r.runId(),
                new StepFailed(r.runId(), r.attempt(), StageReport.ANALYSIS, error, retryable)));
    }
}
