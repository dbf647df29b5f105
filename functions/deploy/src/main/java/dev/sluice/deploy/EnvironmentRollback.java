package dev.sluice.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.cloudevents.CloudEvent;
import dev.sluice.events.BadEventException;
import dev.sluice.events.Payloads.Outcome;

/**
 * {@code dev.sluice.environment.rollback}: restores an earlier verified release of an environment in one step, as
 * a release of its own (kind ROLLBACK). Without a release id it restores the last verified release when a rollout
 * is in progress (aborting it), else the newest verified release before the one in force whose commit differs.
 * Knative Services get all traffic on the restored revision in one update (a revision Knative has since deleted is
 * built again under the rollback's name); every other object of the restored commit is applied again. The release
 * that was in force, and any rollout in progress, are marked rolled back, so their commits are not deployed again
 * on their own. In plan mode the ledger records the same and nothing is applied.
 */
@ApplicationScoped
public class EnvironmentRollback {
    @Inject
    ReleaseSource source;
    @Inject
    ClusterObjects cluster;
    @Inject
    Pruning pruning;

    /**
     * The data of dev.sluice.environment.rollback. {@code project}: whose environment; may be left out only while a
     * single project has releases in an environment of that name.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RollbackRequest(String environment, String project, String releaseId, String by, String reason) {
    }

    /**
     * @return the completion of each run whose rollout the rollback aborted (usually none or one)
     * @throws BadEventException when there is nothing the request could restore
     */
    List<CloudEvent> rollback(RollbackRequest request, DeployMode mode) {
        String env = request.environment();
        Release.lockEnvironment(env);
        String project = project(request);
        List<Release> aborted = new ArrayList<>(Release.inProgressLocked(project, env));
        Release current = Release.lastVerified(project, env).orElse(null);
        Release target = target(request, project, env, current, !aborted.isEmpty());

        Instant now = Instant.now();
        String who = (request.by() == null || request.by().isBlank() ? "someone" : request.by())
                + (request.reason() == null || request.reason().isBlank() ? "" : ": " + request.reason());
        Release restoring = Release.begin(project, env, target.namespace, null, 0, target.sha, target.repositoryUrl,
                target.strategy, mode, now);
        restoring.shared = target.shared;
        restoring.kind = Release.Kind.ROLLBACK;
        restoring.restores = target.id;
        restoring.requestedBy = Release.clip(request.by());
        restoring.previousId = current == null ? null : current.id;
        restoring.settings = target.settings;

        List<RenderedObject> before = new ArrayList<>(PlanDeployment.objectsOf(current));
        aborted.forEach(a -> before.addAll(PlanDeployment.objectsOf(a)));
        EnvironmentRendering.Rendered restored;
        String applied;
        if (mode == DeployMode.CLUSTER) {
            ReleaseSource.Commit commit = source.read(target.repositoryUrl, target.sha);
            restored = EnvironmentRendering.render(commit.documents(), project, target.namespace, restoring.id, null);
            applied = apply(restored, target, restoring, current, aborted);
            RolloutSettings settings = target.settings == null ? null : target.rolloutSettings();
            if (settings != null && settings.prune()) {
                Pruning.Result pruned = pruning.prune(before, restored.objects(), restored.scope(), project);
                restoring.pruned = LedgerJson.write(pruned.objects());
                if (!pruned.objects().isEmpty()) {
                    applied += "; " + pruned.summary();
                }
            }
        } else {
            restored = new EnvironmentRendering.Rendered(PlanDeployment.objectsOf(target), List.of(), ClusterScope.of(List.of()));
            restoring.revisions = target.revisions;
            applied = "plan mode: nothing applied";
        }
        restoring.objects = LedgerJson.write(restored.withSecretDigests().objects().stream().map(RenderedObject::object).toList());
        restoring.plan = LedgerJson.write(ReleasePlan.between(restoring.previousId, PlanDeployment.objectsOf(current),
                restored.withSecretDigests()));
        String what = "restored release " + target.id + " (commit " + target.sha.substring(0, Math.min(12, target.sha.length()))
                + ") on request of " + who;
        restoring.recordStep(0, 100, now, what);
        restoring.finish(Outcome.VERIFIED, what + "; " + applied, now);
        restoring.persist();

        String mark = "rolled back on request of " + who + ": release " + restoring.id + " restored " + target.id;
        if (current != null && current != target) {
            current.outcome = Outcome.ROLLED_BACK;
            current.rolledBackAt = now;
            current.reason = Release.clip(mark + (current.reason == null ? "" : " (was: " + current.reason + ")"));
        }
        List<CloudEvent> replies = new ArrayList<>();
        for (Release a : aborted) {
            a.finish(Outcome.ROLLED_BACK, mark + " while it was rolling out at " + a.trafficPercent + "%", now);
            if (a.runId != null) {
                replies.add(DeploymentReplies.completed(a.runId, a.attempt, a));
            }
        }
        return replies;
    }

    /** The project named, or the only one with releases in an environment of that name. */
    private static String project(RollbackRequest request) {
        if (request.project() != null && !request.project().isBlank()) {
            return request.project();
        }
        List<String> projects = Release.projectsOf(request.environment());
        if (projects.size() == 1) {
            return projects.get(0);
        }
        throw new BadEventException(projects.isEmpty() ? "environment " + request.environment() + " has no verified release to roll back to"
                : "environment " + request.environment() + " exists in " + projects.size() + " projects " + projects
                        + ": name the project");
    }

    private static Release target(RollbackRequest request, String project, String env, Release current,
            boolean rolloutInProgress) {
        if (request.releaseId() != null && !request.releaseId().isBlank()) {
            Release t = Release.findById(request.releaseId());
            if (t == null || !t.environment.equals(env) || !t.project.equals(project)) {
                throw new BadEventException("environment " + env + " of project " + project + " has no release " + request.releaseId());
            }
            if (t.verifiedAt == null) {
                throw new BadEventException("release " + t.id + " was never verified (" + t.outcome + "): only a verified "
                        + "release can be restored");
            }
            return t;
        }
        if (rolloutInProgress && current != null) {
            return current;
        }
        if (current == null) {
            throw new BadEventException("environment " + env + " of project " + project + " has no verified release to roll back to");
        }
        return Release.<Release> find("project = ?1 and environment = ?2 and outcome = ?3 and number < ?4 and sha <> ?5"
                + " order by number desc", project, env, Outcome.VERIFIED, current.number, current.sha).firstResultOptional()
                .orElseThrow(() -> new BadEventException("environment " + env + " has no verified release before "
                        + current.id + " with another commit to roll back to"));
    }

    /** Applies the restored release; a Knative Service only has its traffic moved when its revision still exists. */
    private String apply(EnvironmentRendering.Rendered restored, Release target, Release restoring, Release current,
            List<Release> aborted) {
        List<ServiceRevision> targetRevisions = target.serviceRevisions();
        List<ServiceRevision> revisions = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        int applied = 0;
        for (RenderedObject o : restored.objects()) {
            if (!KnativeRevisions.isKnativeService(o)) {
                cluster.apply(o.object(), restored.scope());
                applied++;
                continue;
            }
            String serving = servingBefore(o, current, aborted);
            ServiceRevision was = targetRevisions.stream()
                    .filter(r -> r.service().equals(o.name()) && r.namespace().equals(o.namespace())).findFirst().orElse(null);
            var spec = o.object().withObjectProperty("spec");
            if (was != null && cluster.revision(o.namespace(), was.revision()) != null) {
                spec.withObjectProperty("template").withObjectProperty("metadata").put("name", was.revision());
                cluster.setTraffic(o.namespace(), o.name(), CanaryTraffic.all(was.revision()));
                moved.add(o.name() + " to " + was.revision());
                revisions.add(new ServiceRevision(o.namespace(), o.name(), was.revision(), serving));
            } else {
                String name = KnativeRevisions.name(o.name(), restoring.id, restoring.number);
                spec.withObjectProperty("template").withObjectProperty("metadata").put("name", name);
                var body = o.object().deepCopy();
                body.withObjectProperty("spec").set("traffic", CanaryTraffic.all(name));
                cluster.apply(body, restored.scope());
                applied++;
                moved.add(o.name() + " to " + name + " (built again: " + (was == null ? "no revision recorded" : was.revision() + " is gone") + ")");
                revisions.add(new ServiceRevision(o.namespace(), o.name(), name, serving));
            }
        }
        restoring.revisions = LedgerJson.write(revisions);
        return "applied " + applied + " object" + (applied == 1 ? "" : "s")
                + (moved.isEmpty() ? "" : "; all traffic of " + String.join(", ", moved));
    }

    private static String servingBefore(RenderedObject o, Release current, List<Release> aborted) {
        for (Release r : aborted) {
            for (ServiceRevision s : r.serviceRevisions()) {
                if (s.service().equals(o.name()) && s.namespace().equals(o.namespace())) {
                    return s.revision();
                }
            }
        }
        if (current != null) {
            for (ServiceRevision s : current.serviceRevisions()) {
                if (s.service().equals(o.name()) && s.namespace().equals(o.namespace())) {
                    return s.revision();
                }
            }
        }
        return null;
    }
}
