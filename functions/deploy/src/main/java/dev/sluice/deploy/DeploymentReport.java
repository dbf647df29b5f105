package dev.sluice.deploy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The full deployment report of a run attempt, stored as its "deployment" stage report: where it went,
 * whether anything was applied, the release plan (objects in apply order with actions, what would be pruned,
 * skipped documents, counts) and, in cluster mode, how the rollout went: its settings, the revisions it named,
 * each traffic step with its health reading, what was pruned (and what could not be, with why), the outcome. Stored when a release starts and
 * again when it ends; the latest is served.
 */
@RegisterForReflection(targets = { DeploymentReport.class, ReleasePlan.class, ReleasePlan.PlannedObject.class, ReleasePlan.FieldChange.class,
        ReleasePlan.ObjectRef.class, ReleasePlan.Counts.class, SkippedDocument.class, RolloutSettings.class,
        ServiceRevision.class, TrafficStep.class, Pruning.Pruned.class, AnalysisSettings.class, AnalysisSettings.Metric.class,
        CanaryAnalysis.State.class, CanaryAnalysis.Check.class, CanaryAnalysis.Reading.class })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentReport(String mode, boolean applied, String releaseId, String project, String environment, String namespace,
        String strategy, String repositoryUrl, String sha, List<String> manifestPaths, String summary,
        @JsonUnwrapped ReleasePlan plan, String outcome, RolloutSettings rollout, List<ServiceRevision> revisions,
        List<TrafficStep> steps, List<Pruning.Pruned> pruned, CanaryAnalysis.State analysis) {

    static DeploymentReport of(Release r, List<String> manifestPaths, boolean applied) {
        RolloutSettings rollout = r.mode == DeployMode.CLUSTER ? r.rolloutSettings() : null;
        return new DeploymentReport(r.mode.name().toLowerCase(), applied, r.id, r.project, r.environment, r.namespace, r.strategy,
                r.repositoryUrl, r.sha, manifestPaths, r.reason != null ? r.reason : r.health, r.releasePlan(),
                r.outcome == null ? "IN_PROGRESS" : r.outcome.name(), rollout,
                r.mode == DeployMode.CLUSTER ? r.serviceRevisions() : null,
                r.mode == DeployMode.CLUSTER ? r.trafficSteps() : null,
                r.pruned == null ? null : LedgerJson.list(r.pruned, new com.fasterxml.jackson.core.type.TypeReference<List<Pruning.Pruned>>() {
                }), r.analysisState());
    }
}
