package dev.sluice.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.serving.v1.Revision;
import io.fabric8.knative.serving.v1.TrafficTarget;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.sluice.deploy.HealthReading.State;
import dev.sluice.deploy.ReleasePlan.PlannedObject;

/**
 * Reads whether a release may go on, from what the cluster's controllers report: each new Knative revision and
 * its Service Ready, container restarts of the revision's pods under {@code canary.maxRestarts}, the optional
 * probe on a canary's tagged URL, and each Deployment and StatefulSet the release changed rolled out. Something
 * not ready yet is PENDING until {@code sluice.deploy.progress-deadline} has passed since the last step. A cluster
 * that cannot be reached is no reading at all: the exception goes to the caller, which tries again next tick.
 */
@ApplicationScoped
public class HealthGate {
    /** Where the probe reaches a tagged revision: Knative's cluster-local name for the tag, or the URL in the Service's status. */
    public enum ProbeAddress {
        CLUSTER_LOCAL, STATUS
    }

    @Inject
    ClusterObjects cluster;
    @Inject
    CanaryProbe probe;

    @ConfigProperty(name = "sluice.deploy.progress-deadline", defaultValue = "10m")
    Duration progressDeadline;

    @ConfigProperty(name = "sluice.deploy.probe-address", defaultValue = "cluster-local")
    ProbeAddress probeAddress;

    /**
     * @param probeCanaries whether to probe the revisions that share traffic with an older one (canary only)
     */
    HealthReading read(Release release, RolloutSettings settings, List<ServiceRevision> revisions, List<PlannedObject> workloads,
            boolean probeCanaries, Instant now) {
        List<String> failed = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<String> good = new ArrayList<>();
        List<PendingProbe> probes = new ArrayList<>();
        for (ServiceRevision r : revisions) {
            if (r.isNew()) {
                try {
                    revision(r, settings, probeCanaries && r.canaried(), failed, waiting, good, probes);
                } catch (KubernetesClientException e) {
                    if (ClusterObjects.isTransient(e)) {
                        throw e;
                    }
                    failed.add("cannot read Knative Service " + r.namespace() + "/" + r.service() + ": " + ClusterObjects.message(e));
                }
            }
        }
        if (!probes.isEmpty() && failed.isEmpty()) {
            // All at once: the check waits for the slowest probe, not for their sum.
            List<CanaryProbe.Result> results = probe.check(probes.stream().map(PendingProbe::url).toList(), settings.probeLatencyBound());
            for (int i = 0; i < probes.size(); i++) {
                CanaryProbe.Result result = results.get(i);
                if (result.held()) {
                    good.add(probes.get(i).health() + ", " + result.detail());
                } else {
                    failed.add(result.detail());
                }
            }
        }
        for (PlannedObject w : workloads) {
            try {
                if ("Deployment".equals(w.kind())) {
                    deployment(w, failed, waiting, good);
                } else {
                    statefulSet(w, failed, waiting, good);
                }
            } catch (KubernetesClientException e) {
                if (ClusterObjects.isTransient(e)) {
                    throw e;
                }
                failed.add("cannot read " + w.kind() + " " + w.namespace() + "/" + w.name() + ": " + ClusterObjects.message(e));
            }
        }
        if (!failed.isEmpty()) {
            return new HealthReading(State.FAILED, failed);
        }
        if (!waiting.isEmpty()) {
            Instant since = release.lastStepAt == null ? release.createdAt : release.lastStepAt;
            if (since.plus(progressDeadline).isBefore(now)) {
                List<String> late = new ArrayList<>();
                late.add("not ready within " + progressDeadline.toSeconds() + "s");
                late.addAll(waiting);
                return new HealthReading(State.FAILED, late);
            }
            return new HealthReading(State.PENDING, waiting);
        }
        return new HealthReading(State.HEALTHY, good);
    }

    /** A revision that held every other check and waits for its probe: the URL, and what the gate read so far. */
    private record PendingProbe(String url, String health) {
    }

    private void revision(ServiceRevision r, RolloutSettings settings, boolean probeIt, List<String> failed, List<String> waiting,
            List<String> good, List<PendingProbe> probes) {
        var service = cluster.knativeService(r.namespace(), r.service());
        if (service == null) {
            failed.add("Knative Service " + r.namespace() + "/" + r.service() + " is gone");
            return;
        }
        Revision revision = cluster.revision(r.namespace(), r.revision());
        if (revision == null) {
            waiting.add("Revision " + r.revision() + " not created yet");
            return;
        }
        Condition revReady = ready(revision.getStatus() == null ? null : revision.getStatus().getConditions());
        if (isFalse(revReady)) {
            failed.add("Revision " + r.revision() + " is not ready: " + describe(revReady));
            return;
        }
        int restarts = restarts(cluster.pods(r.namespace(), "serving.knative.dev/revision", r.revision()));
        if (restarts > settings.maxRestarts()) {
            failed.add("Revision " + r.revision() + " has " + restarts + " container restart" + (restarts == 1 ? "" : "s")
                    + " (at most " + settings.maxRestarts() + " allowed)");
            return;
        }
        if (!isTrue(revReady)) {
            waiting.add("Revision " + r.revision() + " not ready yet");
            return;
        }
        var status = service.getStatus();
        Long generation = service.getMetadata().getGeneration();
        if (status != null && status.getObservedGeneration() != null && generation != null && status.getObservedGeneration() < generation) {
            waiting.add("Knative Service " + r.service() + " has not caught up with its latest spec yet");
            return;
        }
        Condition svcReady = ready(status == null ? null : status.getConditions());
        if (isFalse(svcReady)) {
            failed.add("Knative Service " + r.service() + " is not ready: " + describe(svcReady));
            return;
        }
        if (!isTrue(svcReady)) {
            waiting.add("Knative Service " + r.service() + " not ready yet");
            return;
        }
        String health = "Revision " + r.revision() + " and its Service Ready, " + restarts + " restart" + (restarts == 1 ? "" : "s");
        if (probeIt && settings.probePath() != null) {
            String url = tagUrl(r, status == null ? null : status.getTraffic());
            if (url == null) {
                waiting.add("no URL for the " + CanaryTraffic.TAG + " tag of " + r.service() + " yet");
                return;
            }
            probes.add(new PendingProbe(url + settings.probePath(), health));
            return;
        }
        good.add(health);
    }

    private String tagUrl(ServiceRevision r, List<TrafficTarget> traffic) {
        if (probeAddress == ProbeAddress.CLUSTER_LOCAL) {
            // Knative gives each tag a cluster-local name: <tag>-<service>.<namespace>.svc.cluster.local
            return "http://" + CanaryTraffic.TAG + "-" + r.service() + "." + r.namespace() + ".svc.cluster.local";
        }
        if (traffic != null) {
            for (TrafficTarget t : traffic) {
                if (CanaryTraffic.TAG.equals(t.getTag()) && t.getUrl() != null && !t.getUrl().isBlank()) {
                    return t.getUrl().replaceAll("/+$", "");
                }
            }
        }
        return null;
    }

    private void deployment(PlannedObject w, List<String> failed, List<String> waiting, List<String> good) {
        Deployment d = cluster.deployment(w.namespace(), w.name());
        String name = "Deployment " + w.namespace() + "/" + w.name();
        if (d == null) {
            failed.add(name + " is gone");
            return;
        }
        var status = d.getStatus();
        if (status != null && status.getConditions() != null) {
            for (DeploymentCondition c : status.getConditions()) {
                if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())) {
                    failed.add(name + " stopped progressing: " + c.getReason() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
                    return;
                }
            }
        }
        int want = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        if (status == null || !caughtUp(d.getMetadata().getGeneration(), status.getObservedGeneration())) {
            waiting.add(name + ": the controller has not seen the new spec yet");
            return;
        }
        int updated = n(status.getUpdatedReplicas());
        int ready = n(status.getReadyReplicas());
        int available = n(status.getAvailableReplicas());
        int total = n(status.getReplicas());
        if (updated < want || ready < want || available < want || total > want) {
            waiting.add(name + ": " + updated + "/" + want + " updated, " + ready + " ready, " + available + " available"
                    + (total > want ? ", " + (total - want) + " old still running" : ""));
            return;
        }
        good.add(name + " rolled out (" + want + "/" + want + " updated, ready and available)");
    }

    private void statefulSet(PlannedObject w, List<String> failed, List<String> waiting, List<String> good) {
        StatefulSet s = cluster.statefulSet(w.namespace(), w.name());
        String name = "StatefulSet " + w.namespace() + "/" + w.name();
        if (s == null) {
            failed.add(name + " is gone");
            return;
        }
        var status = s.getStatus();
        int want = s.getSpec() == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        if (status == null || !caughtUp(s.getMetadata().getGeneration(), status.getObservedGeneration())) {
            waiting.add(name + ": the controller has not seen the new spec yet");
            return;
        }
        int updated = n(status.getUpdatedReplicas());
        int ready = n(status.getReadyReplicas());
        boolean revised = status.getUpdateRevision() == null || status.getUpdateRevision().equals(status.getCurrentRevision());
        if (updated < want || ready < want || !revised) {
            waiting.add(name + ": " + updated + "/" + want + " updated, " + ready + " ready"
                    + (revised ? "" : ", revision " + status.getUpdateRevision() + " still rolling out"));
            return;
        }
        good.add(name + " rolled out (" + want + "/" + want + " updated and ready)");
    }

    static int restarts(List<Pod> pods) {
        int sum = 0;
        for (Pod p : pods) {
            if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
                for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
                    sum += c.getRestartCount() == null ? 0 : c.getRestartCount();
                }
            }
        }
        return sum;
    }

    private static boolean caughtUp(Long generation, Long observed) {
        return generation == null || observed != null && observed >= generation;
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    private static Condition ready(List<Condition> conditions) {
        if (conditions != null) {
            for (Condition c : conditions) {
                if ("Ready".equals(c.getType())) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean isTrue(Condition c) {
        return c != null && "True".equals(c.getStatus());
    }

    private static boolean isFalse(Condition c) {
        return c != null && "False".equals(c.getStatus());
    }

    private static String describe(Condition c) {
        String reason = c.getReason() == null ? "Ready=False" : c.getReason();
        return c.getMessage() == null || c.getMessage().isBlank() ? reason : reason + ": " + c.getMessage();
    }
}
