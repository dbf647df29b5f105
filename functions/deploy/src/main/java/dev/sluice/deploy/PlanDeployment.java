package dev.sluice.deploy;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.sluice.events.EventCodec;
import dev.sluice.events.Payloads.DeploymentRequested;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.report.StageReport;

/**
 * A deployment in plan mode: render the commit's manifests for the environment, diff them against the
 * environment's last verified release, and record the release and its report. Nothing is applied; the plan
 * is the product, so the release is VERIFIED, unless it holds objects for another namespace, which cluster mode
 * would refuse: then it is FAILED with the reason.
 */
@ApplicationScoped
public class PlanDeployment {
    /** @param commit the commit, read; {@code to} its project and whether the environment's namespace is shared */
    Release deploy(DeploymentRequested request, ReleaseSource.Commit commit, DeploymentHandler.Destination to) {
        Release.lockEnvironment(request.environment());
        Release release = Release.begin(to.project(), request.environment(), request.namespace(), request.runId(),
                request.attempt(), request.sha(), request.repositoryUrl(), request.strategy(), DeployMode.PLAN, Instant.now());
        release.shared = to.shared();
        EnvironmentRendering.Rendered rendered = EnvironmentRendering.render(commit.documents(), to.project(), request.namespace(), release.id,
                request.runId()).withSecretDigests();
        Release previous = Release.lastVerified(to.project(), request.environment()).orElse(null);
        ReleasePlan plan = ReleasePlan.between(previous == null ? null : previous.id, objectsOf(previous), rendered);

        release.previousId = previous == null ? null : previous.id;
        release.objects = LedgerJson.write(rendered.objects().stream().map(RenderedObject::object).toList());
        release.plan = LedgerJson.write(plan);
        List<String> refused = rendered.outsideNamespace(request.namespace());
        if (!refused.isEmpty()) {
            // Refused as cluster mode would refuse it, so a plan never shows as fine what a cluster run refuses.
            release.finish(Outcome.FAILED, "plan mode: refused: " + String.join("; ", refused), release.createdAt);
        } else {
            release.finish(Outcome.VERIFIED, "plan mode: " + plan.summary()
                    + (rendered.objects().isEmpty() ? "; no objects under " + commit.settings().manifests() : "")
                    + " (no cluster configured)", release.createdAt);
        }
        release.persist();

        StageReport.save(request.runId(), StageReport.DEPLOYMENT, request.attempt(),
                DeploymentReport.of(release, commit.settings().manifests(), false));
        return release;
    }

    /** A release's stored objects (Secret values as digests); empty for none. */
    static List<RenderedObject> objectsOf(Release release) {
        if (release == null) {
            return List.of();
        }
        try {
            List<RenderedObject> objects = new ArrayList<>();
            for (JsonNode node : (ArrayNode) EventCodec.json().readTree(release.objects)) {
                objects.add(RenderedObject.stored(node));
            }
            return objects;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("objects of release " + release.id + " do not parse", e);
        }
    }
}
