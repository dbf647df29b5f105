package dev.sluice.analyze;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.Repository;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.AnalysisCompleted;
import dev.sluice.events.Payloads.AnalysisRequested;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.report.StageReport;
import dev.sluice.settings.ResolvedSettings;
import dev.sluice.settings.SettingsException;

/**
 * The analyze function. Woken by {@code dev.sluice.analysis.requested}; reads the pushed change and the
 * {@code .sluice.yaml} at {@code after}, applies the first rule set, stores the full report and replies
 * {@code dev.sluice.analysis.completed} (decision, score, confidence, top factors, resolved settings), or
 * {@code dev.sluice.step.failed} when the repository cannot be read (retryable) or its settings are broken (not).
 */
@ApplicationScoped
public class AnalysisHandler implements EventHandler {
    private static final Logger LOG = Logger.getLogger(AnalysisHandler.class);
    private static final String FUNCTION = "analyze";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ZEROS = Pattern.compile("0{40}");
    static final int REPLY_FACTORS = 5;

    @Inject
    GitRepositories git;

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
        try {
            Repository repo = git.repositoryWith(request.repositoryUrl(), after);
            ResolvedSettings settings = GitRepositories.settings(repo, after).resolve(request.ref());
            Change change = change(repo, request, after);
            RiskAssessment risk = RiskAssessment.of(change, settings);
            AnalysisReport report = new AnalysisReport(request.runId(), request.attempt(), request.repositoryUrl(),
                    request.ref(), request.before(), request.forced(), change.base(), change.head(), change.wholeTree(),
                    change.wholeTreeReason(), AnalysisReport.totals(change, settings.limits().reviewLines()),
                    change.files(), risk.factors(), risk.secrets(), risk.decision(), risk.riskScore(),
                    risk.confidence(), risk.confidenceNotes(), settings, (System.nanoTime() - started) / 1_000_000);
            StageReport.save(request.runId(), StageReport.ANALYSIS, request.attempt(), report);
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

    /** The diff against {@code before}, or the whole tree when there is no usable base (said why in the report). */
    private Change change(Repository repo, AnalysisRequested r, String after) throws IOException {
        String before = r.before() == null ? "" : r.before().toLowerCase(Locale.ROOT);
        if (before.isEmpty()) {
            return ChangeReader.read(repo, null, "no previous commit was given", after);
        }
        if (ZEROS.matcher(before).matches()) {
            return ChangeReader.read(repo, null, "first push of " + r.ref() + " (before is all zeros)", after);
        }
        if (!GitRepositories.has(repo, before)) {
            try {
                git.repositoryWith(r.repositoryUrl(), before);
            } catch (GitAccessException e) {
                // Typical of a forced push: the old commit is gone from the remote, so there is nothing to diff against.
                return ChangeReader.read(repo, null, "previous commit " + before + " is not in the repository"
                        + (Boolean.TRUE.equals(r.forced()) ? " (forced push)" : ""), after);
            }
        }
        return ChangeReader.read(repo, before, null, after);
    }

    private static List<CloudEvent> failed(AnalysisRequested r, String error, boolean retryable) {
        return List.of(EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, r.runId(),
                new StepFailed(r.runId(), r.attempt(), StageReport.ANALYSIS, error, retryable)));
    }
}
