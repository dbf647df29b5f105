package dev.sluice.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.knative.serving.v1.TrafficTarget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.sluice.events.Payloads.DeploymentRequested;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.report.StageReport;

/**
 * Starts a release against the cluster: renders the commit for the environment, refuses objects in another
 * namespace and cluster-scoped objects outside the allowlist, names the Knative revisions, and applies every object in dependency order, with a
 * canary's new revisions at 0% traffic. Nothing waits here: {@link RolloutCheck} takes it from there on each
 * {@code dev.sluice.deployment.check}.
 */
@ApplicationScoped
public class ClusterDeployment {
    @Inject
    ClusterObjects cluster;
    @Inject
    ClusterScopedAllowlist allowlist;
    @Inject
    ReleaseRestore restore;

    /** The cluster could not be reached or was overloaded: worth a retry. Nothing is recorded. */
    static class ClusterUnavailable extends RuntimeException {
        ClusterUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param commit the commit, read; {@code to} its project and whether the environment's namespace is shared
     * @return the new release: in progress (step 0) once applied, or finished when it was refused or failed
     * @throws dev.sluice.settings.SettingsException when {@code .sluice.yaml} is broken (not worth retrying)
     * @throws ClusterUnavailable when the cluster cannot be reached (worth retrying)
     */
    Release start(DeploymentRequested request, ReleaseSource.Commit commit, DeploymentHandler.Destination to) {
        RolloutSettings settings = RolloutSettings.of(commit.settings(), request.environment(), request.strategy());
        Release.lockEnvironment(request.environment());
        Instant now = Instant.now();
        Release release = Release.begin(to.project(), request.environment(), request.namespace(), request.runId(),
                request.attempt(), request.sha(), request.repositoryUrl(), settings.strategy(), DeployMode.CLUSTER, now);
        release.shared = to.shared();
        release.settings = LedgerJson.write(settings);
        EnvironmentRendering.Rendered rendered = EnvironmentRendering.render(commit.documents(), to.project(), request.namespace(), release.id,
                request.runId());
        Release previous = Release.lastVerified(to.project(), request.environment(), DeployMode.CLUSTER).orElse(null);
        release.previousId = previous == null ? null : previous.id;
        ReleasePlan plan = ReleasePlan.between(release.previousId, PlanDeployment.objectsOf(previous), rendered.withSecretDigests());
        release.plan = LedgerJson.write(plan);
        release.objects = objectsJson(rendered);

        try {
            // Route starts one deployment per environment at a time: an unfinished release here belongs to a run that is over.
            for (Release other : Release.inProgressLocked(to.project(), request.environment())) {
                String back = restore.trafficBack(other);
                other.finish(Outcome.FAILED, "abandoned: release " + release.id + " (run " + request.runId()
                        + ") started before it finished" + (back.isEmpty() ? "" : "; " + back), now);
            }
            List<String> refused = new ArrayList<>(rendered.outsideNamespace(request.namespace()));
            refused.addAll(allowlist.refusals(rendered.objects(), rendered.scope()));
            if (!refused.isEmpty()) {
                return end(release, settings, false, Outcome.FAILED, "refused before anything was applied: "
                        + String.join("; ", refused));
            }
            List<ServiceRevision> revisions;
            try {
                revisions = KnativeRevisions.assign(rendered.objects(), plan,
                        previous == null ? List.of() : previous.serviceRevisions(), this::live, release.id, release.number);
            } catch (IllegalArgumentException e) {
                return end(release, settings, false, Outcome.FAILED, e.getMessage() + "; nothing was applied");
            }
            release.revisions = LedgerJson.write(revisions);
            release.objects = objectsJson(rendered); // now with the revision names
            Applied applied = applyAll(rendered, revisions, settings);
            if (applied.failure() != null) {
                if (applied.count() == 0 || previous == null) {
                    return end(release, settings, applied.count() > 0, Outcome.FAILED, applied.failure()
                            + (previous == null ? "; no verified release to go back to" : ""));
                }
                return end(release, settings, true, Outcome.ROLLED_BACK, applied.failure() + "; " + restore.restore(release, previous));
            }
        } catch (KubernetesClientException e) {
            if (ClusterObjects.isTransient(e)) {
                throw new ClusterUnavailable("the cluster is not reachable: " + ClusterObjects.message(e), e);
            }
            throw e;
        }

        boolean canary = RolloutSettings.CANARY.equals(settings.strategy())
                && release.serviceRevisions().stream().anyMatch(ServiceRevision::canaried);
        release.recordStep(0, canary ? 0 : 100, now, "applied " + rendered.objects().size() + " object"
                + (rendered.objects().size() == 1 ? "" : "s") + startNote(settings, canary, release));
        release.persist();
        StageReport.save(release.runId, StageReport.DEPLOYMENT, release.attempt,
                DeploymentReport.of(release, settings.manifests(), true));
        return release;
    }

    private record Applied(int count, String failure) {
    }

    /** Applies in order and stops at the first object the cluster refuses. */
    private Applied applyAll(EnvironmentRendering.Rendered rendered, List<ServiceRevision> revisions, RolloutSettings settings) {
        int applied = 0;
        for (RenderedObject o : rendered.objects()) {
            ObjectNode body = o.object();
            if (KnativeRevisions.isKnativeService(o) && RolloutSettings.CANARY.equals(settings.strategy())) {
                body = body.deepCopy();
                body.withObjectProperty("spec").set("traffic", initialTraffic(revisionOf(revisions, o)));
            }
            try {
                cluster.apply(body, rendered.scope());
                applied++;
            } catch (KubernetesClientException e) {
                if (ClusterObjects.isTransient(e) && applied == 0) {
                    throw e;
                }
                return new Applied(applied, applied + " of " + rendered.objects().size() + " objects applied, then the cluster refused "
                        + o.describe() + ": " + ClusterObjects.message(e));
            } catch (ClusterObjects.UnknownKind e) {
                return new Applied(applied, applied + " of " + rendered.objects().size() + " objects applied, then "
                        + o.describe() + ": " + e.getMessage());
            }
        }
        return new Applied(applied, null);
    }

    /** A canary starts with the new revision tagged at 0%; a new Service has no older revision and takes it all. */
    private static ArrayNode initialTraffic(ServiceRevision r) {
        if (r.canaried()) {
            return CanaryTraffic.split(r, 0);
        }
        return r.previous() == null ? CanaryTraffic.latest() : CanaryTraffic.all(r.revision());
    }

    private static ServiceRevision revisionOf(List<ServiceRevision> revisions, RenderedObject o) {
        return revisions.stream().filter(r -> r.service().equals(o.name()) && r.namespace().equals(o.namespace()))
                .findFirst().orElseThrow();
    }

    private static String startNote(RolloutSettings settings, boolean canary, Release release) {
        if (canary) {
            List<String> names = release.serviceRevisions().stream().filter(ServiceRevision::canaried)
                    .map(r -> r.revision() + " (0%, tag " + CanaryTraffic.TAG + ")").toList();
            return "; canary " + String.join(", ", names) + " waits for its health gate";
        }
        return switch (settings.strategy()) {
            case RolloutSettings.DIRECT -> "; readiness is verified once, at the next check";
            default -> "; waiting for the rollout";
        };
    }

    private Release end(Release release, RolloutSettings settings, boolean applied, Outcome outcome, String reason) {
        release.finish(outcome, reason, Instant.now());
        release.persist();
        StageReport.save(release.runId, StageReport.DEPLOYMENT, release.attempt,
                DeploymentReport.of(release, settings.manifests(), applied));
        return release;
    }

    private static String objectsJson(EnvironmentRendering.Rendered rendered) {
        return LedgerJson.write(rendered.withSecretDigests().objects().stream().map(RenderedObject::object).toList());
    }

    /** The Service as the cluster has it: its template's revision name, and the revision taking the most traffic. */
    private Optional<KnativeRevisions.Live> live(String namespace, String service) {
        var s = cluster.knativeService(namespace, service);
        if (s == null) {
            return Optional.empty();
        }
        String template = s.getSpec() == null || s.getSpec().getTemplate() == null || s.getSpec().getTemplate().getMetadata() == null
                ? null : s.getSpec().getTemplate().getMetadata().getName();
        String serving = null;
        if (s.getStatus() != null) {
            long best = -1;
            for (TrafficTarget t : s.getStatus().getTraffic() == null ? List.<TrafficTarget> of() : s.getStatus().getTraffic()) {
                long p = t.getPercent() == null ? 0 : t.getPercent();
                if (t.getRevisionName() != null && p > best) {
                    best = p;
                    serving = t.getRevisionName();
                }
            }
            if (serving == null) {
                serving = s.getStatus().getLatestReadyRevisionName();
            }
        }
        return Optional.of(new KnativeRevisions.Live(template, serving));
    }
}
