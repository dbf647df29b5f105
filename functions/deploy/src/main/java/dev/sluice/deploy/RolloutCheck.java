package dev.sluice.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.sluice.deploy.ReleasePlan.Action;
import dev.sluice.deploy.ReleasePlan.PlannedObject;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.report.StageReport;

/**
 * One {@code dev.sluice.deployment.check} of a release in progress: read the health gate, then take at most one
 * step. canary: the next traffic step once the gate holds and {@code canary.interval} has passed since the last
 * one (the first step waits only for the gate), verified after the gate holds an interval at 100%; rolling:
 * verified once every changed workload has rolled out; direct: readiness read once. A failed gate rolls back to
 * the last verified release (direct: fails). Nothing waits inside a check; a check with nothing to do replies
 * nothing.
 */
@ApplicationScoped
public class RolloutCheck {
    private static final Logger LOG = Logger.getLogger(RolloutCheck.class);

    @Inject
    HealthGate gate;
    @Inject
    ClusterObjects cluster;
    @Inject
    ReleaseRestore restore;
    @Inject
    Pruning pruning;
    @Inject
    CanaryAnalysis analysis;

    /** @param attempt the run attempt the check is about, echoed in the reply */
    Optional<CloudEvent> check(Release release, int attempt) {
        Instant now = Instant.now();
        RolloutSettings settings = release.rolloutSettings();
        List<ServiceRevision> revisions = release.serviceRevisions();
        boolean canary = RolloutSettings.CANARY.equals(settings.strategy()) && revisions.stream().anyMatch(ServiceRevision::canaried);
        try {
            if (release.rollbackBegun()) {
                // A rollback an earlier check could not finish: finish it, whatever the gate reads now.
                return finishRollback(release, settings, attempt, now);
            }
            HealthReading health = gate.read(release, settings, revisions, workloads(release), canary, now);
            if (RolloutSettings.DIRECT.equals(settings.strategy())) {
                return Optional.of(health.healthy() ? verify(release, settings, health, attempt, now)
                        : end(release, settings, attempt, Outcome.FAILED, "not ready at the first check (direct: readiness is "
                                + "read once, nothing is rolled back): " + health.summary(), now));
            }
            if (health.failed()) {
                return rollBack(release, settings, "health gate failed", health.findings(), health.summary(), attempt, now);
            }
            if (!health.healthy()) {
                release.health = Release.clip(health.summary());
                return Optional.empty();
            }
            if (!canary) {
                return Optional.of(verify(release, settings, health, attempt, now));
            }
            List<Integer> percents = settings.percents();
            boolean intervalPassed = !release.lastStepAt.plus(settings.intervalDuration()).isAfter(now);
            if (release.step > 0) {
                // The canary takes traffic: its metrics must hold before it takes more (or is verified).
                CanaryAnalysis.Verdict verdict = analysis.judge(release, settings, now);
                switch (verdict.outcome()) {
                    case FAILED -> {
                        return rollBack(release, settings, "canary analysis failed", verdict.findings(),
                                health.summary() + "; " + verdict.summary(), attempt, now);
                    }
                    case WAITING -> {
                        release.health = Release.clip(health.summary() + "; " + verdict.summary());
                        if (verdict.fresh()) { // a failed check or missing data shows in the run's report at once
                            StageReport.save(release.runId, StageReport.DEPLOYMENT, attempt,
                                    DeploymentReport.of(release, settings.manifests(), true));
                        }
                        return Optional.empty();
                    }
                    case HELD -> health = health.and(verdict.summary());
                    case OFF -> {
                    }
                }
            }
            if (release.step >= percents.size()) {
                return intervalPassed ? Optional.of(verify(release, settings, health, attempt, now)) : waiting(release, health);
            }
            if (release.step > 0 && !intervalPassed) {
                return waiting(release, health);
            }
            int percent = percents.get(release.step);
            for (ServiceRevision r : revisions) {
                if (r.canaried()) {
                    cluster.setTraffic(r.namespace(), r.service(), CanaryTraffic.split(r, percent));
                }
            }
            release.recordStep(release.step + 1, percent, now, health.summary());
            StageReport.save(release.runId, StageReport.DEPLOYMENT, attempt, DeploymentReport.of(release, settings.manifests(), true));
            return Optional.of(DeploymentReplies.progressed(release.runId, attempt, release));
        } catch (KubernetesClientException e) {
            if (ClusterObjects.isTransient(e)) {
                // The next tick checks again; route's deployment timeout bounds how long that may go on.
                LOG.warnf("release %s: the cluster is not reachable, checking again next tick: %s", release.id, ClusterObjects.message(e));
                release.health = Release.clip("cluster not reachable: " + ClusterObjects.message(e));
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<CloudEvent> waiting(Release release, HealthReading health) {
        release.health = Release.clip(health.summary() + "; next step after " + release.rolloutSettings().interval());
        return Optional.empty();
    }

    private CloudEvent verify(Release release, RolloutSettings settings, HealthReading health, int attempt, Instant now) {
        List<String> notes = new ArrayList<>();
        if (RolloutSettings.CANARY.equals(settings.strategy())) {
            for (ServiceRevision r : release.serviceRevisions()) {
                if (r.isNew()) {
                    cluster.setTraffic(r.namespace(), r.service(), CanaryTraffic.all(r.revision()));
                }
            }
            List<String> path = release.trafficSteps().stream().filter(s -> s.step() > 0).map(s -> s.percent() + "%").toList();
            if (!path.isEmpty()) {
                notes.add("canary " + String.join(" → ", path) + ", the gate held at each step");
            }
        }
        String pruneNote = "";
        if (settings.prune()) {
            Release previous = release.previousId == null ? null : Release.findById(release.previousId);
            Pruning.Result pruned = pruning.prune(PlanDeployment.objectsOf(previous), PlanDeployment.objectsOf(release),
                    ClusterScope.of(List.of()), release.project);
            release.pruned = LedgerJson.write(pruned.objects());
            if (!pruned.objects().isEmpty()) {
                notes.add(pruned.summary());
            }
            if (pruned.failed()) {
                pruneNote = "; " + pruned.summary();
            }
        }
        notes.add(health.summary());
        release.recordStep(release.step, 100, now, "verified: " + health.summary() + pruneNote);
        return end(release, settings, attempt, Outcome.VERIFIED, "verified: " + String.join("; ", notes), now);
    }

    /** @param what what failed ("health gate failed", "canary analysis failed"), with its findings */
    private Optional<CloudEvent> rollBack(Release release, RolloutSettings settings, String what, List<String> findings, String health,
            int attempt, Instant now) {
        String where = release.step == 0 ? " before the first step"
                : " at " + release.trafficPercent + "% (step " + release.step + " of " + settings.percents().size() + ")";
        if (!RolloutSettings.CANARY.equals(settings.strategy())) {
            where = " during the " + settings.strategy() + " rollout";
        }
        // The reason marks the rollback begun: a check that cannot finish it leaves it to the next, which does not read
        // the gate again (a gate that reads healthy later must not resume a failed canary).
        release.reason = Release.clip(what + where + ": " + String.join("; ", findings));
        release.recordStep(release.step, 0, now, health);
        return finishRollback(release, settings, attempt, now);
    }

    /**
     * Puts the environment back on the previous release and ends the release ROLLED_BACK. When the previous
     * release's commit cannot be read (a git server down, a repository gone), the traffic is back already: the
     * release stays in progress with that in its health, nothing is replied, and the next check tries again.
     */
    private Optional<CloudEvent> finishRollback(Release release, RolloutSettings settings, int attempt, Instant now) {
        Release previous = release.previousId == null ? null : Release.findById(release.previousId);
        if (previous == null) {
            return Optional.of(end(release, settings, attempt, Outcome.FAILED, release.reason + "; no verified release to roll back to", now));
        }
        String back = restore.trafficBack(release);
        String reapplied;
        try {
            reapplied = restore.reapplyChanged(release, previous);
        } catch (GitAccessException e) {
            LOG.warnf("release %s: cannot re-apply release %s yet, trying again next tick: %s", release.id, previous.id, e.getMessage());
            release.health = Release.clip("rolling back" + (back.isEmpty() ? "" : ": " + back) + "; cannot re-apply release "
                    + previous.id + " yet: " + e.getMessage() + "; trying again at the next check");
            return Optional.empty();
        }
        return Optional.of(end(release, settings, attempt, Outcome.ROLLED_BACK,
                release.reason + "; " + ReleaseRestore.done(back, reapplied), now));
    }

    private CloudEvent end(Release release, RolloutSettings settings, int attempt, Outcome outcome, String reason, Instant now) {
        release.finish(outcome, reason, now);
        StageReport.save(release.runId, StageReport.DEPLOYMENT, attempt, DeploymentReport.of(release, settings.manifests(), true));
        return DeploymentReplies.completed(release.runId, attempt, release);
    }

    /** The Deployments and StatefulSets the release created or changed: the rollouts to wait for. */
    private static List<PlannedObject> workloads(Release release) {
        return release.releasePlan().objects().stream()
                .filter(p -> p.action() != Action.UNCHANGED && "apps".equals(RenderedObject.groupOf(p.apiVersion()))
                        && ("Deployment".equals(p.kind()) || "StatefulSet".equals(p.kind())))
                .toList();
    }
}
