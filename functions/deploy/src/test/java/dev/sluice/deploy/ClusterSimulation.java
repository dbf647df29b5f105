package dev.sluice.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.pkg.apis.ConditionBuilder;
import io.fabric8.knative.serving.v1.RevisionBuilder;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceStatusBuilder;
import io.fabric8.knative.serving.v1.TrafficTarget;
import io.fabric8.knative.serving.v1.TrafficTargetBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the cluster's controllers against fabric8's mock server, which stores objects but reconciles nothing:
 * Knative's (Revisions, Service status and traffic URLs), the kubelet's (pods and their restarts) and the
 * Deployment controller's (rollout status). Tests call these where a real cluster would have done the work.
 */
final class ClusterSimulation {
    private final KubernetesClient client;
    /** The URL Knative would give the tagged revision; tests point it at a local probe server. */
    private final String tagUrl;

    ClusterSimulation(KubernetesClient client, String tagUrl) {
        this.client = client;
        this.tagUrl = tagUrl;
    }

    KnativeClient knative() {
        return client.adapt(KnativeClient.class);
    }

    Service service(String namespace, String name) {
        return knative().services().inNamespace(namespace).withName(name).get();
    }

    /** The Service's traffic as "revision=percent[@tag]" entries, in order. */
    List<String> traffic(String namespace, String name) {
        return service(namespace, name).getSpec().getTraffic().stream()
                .map(t -> (t.getRevisionName() == null ? "latest" : t.getRevisionName()) + "=" + t.getPercent()
                        + (t.getTag() == null ? "" : "@" + t.getTag()))
                .toList();
    }

    /**
     * Knative reconciled the Service: the template's revision exists and is Ready, the Service is Ready at its
     * latest generation, and its status lists the traffic (the tagged target with its URL).
     */
    void knativeReady(String namespace, String name) {
        Service s = service(namespace, name);
        String revision = s.getSpec().getTemplate().getMetadata().getName();
        revision(namespace, revision, "True", null, null);
        List<TrafficTarget> traffic = s.getSpec().getTraffic() == null ? List.of() : s.getSpec().getTraffic().stream()
                .map(t -> new TrafficTargetBuilder(t).withRevisionName(t.getRevisionName() == null ? revision : t.getRevisionName())
                        .withLatestRevision(null).withUrl(t.getTag() == null ? null : tagUrl).build())
                .toList();
        s.setStatus(new ServiceStatusBuilder().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .withObservedGeneration(s.getMetadata().getGeneration()).withLatestCreatedRevisionName(revision)
                .withLatestReadyRevisionName(revision).withTraffic(traffic).build());
        knative().services().inNamespace(namespace).resource(s).updateStatus();
    }

    /** Knative created the revision with this Ready condition. */
    void revision(String namespace, String name, String ready, String reason, String message) {
        var revision = new RevisionBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready).withReason(reason).withMessage(message)
                .endCondition().endStatus().build();
        knative().revisions().inNamespace(namespace).resource(revision).createOr(r -> r.update());
    }

    void deleteRevision(String namespace, String name) {
        knative().revisions().inNamespace(namespace).withName(name).delete();
    }

    /** The kubelet runs a pod of the revision whose container restarted this often. */
    void revisionPod(String namespace, String revision, int restarts) {
        var pod = new PodBuilder().withNewMetadata().withName(revision + "-pod").withNamespace(namespace)
                .withLabels(Map.of("serving.knative.dev/revision", revision)).endMetadata()
                .withNewStatus().addNewContainerStatus().withName("user-container").withRestartCount(restarts).endContainerStatus()
                .endStatus().build();
        client.pods().inNamespace(namespace).resource(pod).createOr(p -> p.update());
    }

    /** The Deployment controller rolled the latest spec out to every replica. */
    void rolledOut(String namespace, String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(replicas)
                .withUpdatedReplicas(replicas).withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
        client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    }

    /** The Deployment controller gave up: the new pods never became available within the progress deadline. */
    void progressDeadlineExceeded(String namespace, String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(2)
                .withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).addNewCondition().withType("Progressing")
                .withStatus("False").withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"" + name + "-7d9f\" has timed out progressing.").endCondition().build());
        client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    }

    /** Knative reconciled the Service but reports it not Ready (e.g. its route cannot be programmed). */
    void knativeServiceNotReady(String namespace, String name, String reason, String message) {
        knativeReady(namespace, name);
        Service s = service(namespace, name);
        s.getStatus().setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("False").withReason(reason)
                .withMessage(message).build()));
        knativeService(s);
    }

    private void knativeService(Service s) {
        knative().services().inNamespace(s.getMetadata().getNamespace()).resource(s).updateStatus();
    }

    /**
     * The Deployment controller's status part-way: {@code observedBehind} generations behind the spec, and the given
     * replica counts (the total including old replicas still running).
     */
    void deploymentStatus(String namespace, String name, int observedBehind, int total, int updated, int ready, int available) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration() - observedBehind)
                .withReplicas(total).withUpdatedReplicas(updated).withReadyReplicas(ready).withAvailableReplicas(available).build());
        client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    }

    /** The StatefulSet controller's status: every replica updated and ready, on {@code current} while rolling to {@code update}. */
    void statefulSetStatus(String namespace, String name, int updated, int ready, String current, String update) {
        StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        s.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(s.getMetadata().getGeneration())
                .withReplicas(s.getSpec().getReplicas()).withUpdatedReplicas(updated).withReadyReplicas(ready)
                .withCurrentRevision(current).withUpdateRevision(update).build());
        client.apps().statefulSets().inNamespace(namespace).resource(s).updateStatus();
    }

    StatefulSet statefulSet(String namespace, String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
