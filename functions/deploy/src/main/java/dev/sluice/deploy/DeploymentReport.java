package dev.sluice.deploy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The full deployment report of a run attempt, stored as its "deployment" stage report: where it went,
 * whether anything was applied, and the release plan (objects in apply order with actions, what would be
 * pruned, skipped documents, counts).
 */
@RegisterForReflection(targets = { DeploymentReport.class, ReleasePlan.class, ReleasePlan.PlannedObject.class,
        ReleasePlan.ObjectRef.class, ReleasePlan.Counts.class, SkippedDocument.class })
public record DeploymentReport(String mode, boolean applied, String releaseId, String environment, String namespace,
        String strategy, String repositoryUrl, String sha, List<String> manifestPaths, String summary,
        @JsonUnwrapped ReleasePlan plan) {
}
