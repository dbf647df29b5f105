package dev.sluice.deploy;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.Repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.sluice.events.EventCodec;
import dev.sluice.events.Payloads.DeploymentRequested;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.git.GitRepositories;
import dev.sluice.manifest.ManifestDocument;
import dev.sluice.manifest.ManifestSet;
import dev.sluice.report.StageReport;
import dev.sluice.settings.SluiceSettings;

/**
 * A deployment in plan mode: render the commit's manifests for the environment, diff them against the
 * environment's last verified release, and record the release and its report. Nothing is applied; the plan
 * is the product, so the release is VERIFIED.
 */
@ApplicationScoped
public class PlanDeployment {
    @Inject
    GitRepositories git;

    /**
     * @throws GitRepositories.GitAccessException when the commit cannot be read (worth retrying)
     * @throws dev.sluice.settings.SettingsException when {@code .sluice.yaml} is broken (not worth retrying)
     */
    public Release deploy(DeploymentRequested request) {
        Repository repo = git.repositoryWith(request.repositoryUrl(), request.sha());
        SluiceSettings settings = GitRepositories.settings(repo, request.sha());
        List<ManifestDocument> docs = ManifestSet.read(repo, request.sha(), settings.manifests());

        Release release = new Release();
        release.environment = request.environment();
        release.number = Release.nextNumber(request.environment());
        release.id = request.environment() + "-" + release.number;
        EnvironmentRendering.Rendered rendered = EnvironmentRendering.render(docs, request.namespace(), release.id, request.runId());
        Release previous = Release.lastVerified(request.environment()).orElse(null);
        ReleasePlan plan = ReleasePlan.between(previous == null ? null : previous.id, objectsOf(previous), rendered);

        release.namespace = request.namespace();
        release.runId = request.runId();
        release.attempt = request.attempt();
        release.sha = request.sha();
        release.repositoryUrl = request.repositoryUrl();
        release.strategy = request.strategy();
        release.mode = DeployMode.PLAN;
        release.outcome = Outcome.VERIFIED;
        release.reason = "plan mode: " + plan.summary()
                + (rendered.objects().isEmpty() ? "; no objects under " + settings.manifests() : "")
                + " (no cluster configured)";
        release.objects = json(rendered.objects().stream().map(RenderedObject::object).toList());
        release.plan = json(plan);
        release.createdAt = Instant.now();
        release.finishedAt = release.createdAt;
        release.persist();

        StageReport.save(request.runId(), StageReport.DEPLOYMENT, request.attempt(),
                new DeploymentReport("plan", false, release.id, release.environment, release.namespace, release.strategy,
                        release.repositoryUrl, release.sha, settings.manifests(), release.reason, plan));
        return release;
    }

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

    private static String json(Object value) {
        try {
            return EventCodec.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
