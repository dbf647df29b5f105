package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Deployment's replicas as the cluster will see them. Not scaled by a HorizontalPodAutoscaler of the manifests:
 * {@code replicas} not written (one pod) or under 2, so one pod lost is the service down (Polaris'
 * deploymentMissingReplicas and kube-score's Deployment Replicas, warnings by default). Scaled by one: {@code replicas}
 * written, so every apply resets the autoscaler's count (kube-score's "Deployment targeted by HPA does not have
 * replicas configured"). Warning.
 */
@ApplicationScoped
public class DeploymentReplicasRule extends DescribedRule implements ManifestRule {
    public DeploymentReplicasRule() {
        super("deployment-replicas", Severity.WARNING,
                "A Deployment with fewer than 2 replicas (or none written), or one that sets replicas while an autoscaler scales it.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject d : objects) {
            if (!"Deployment".equals(d.kind()) || PodSpecs.podSpecPointer(d) == null) {
                continue;
            }
            Integer replicas = Workloads.replicas(d);
            ManifestObject hpa = Workloads.hpaOf(d, objects, scope);
            if (hpa != null) {
                if (replicas != null) {
                    findings.add(finding(d, "/spec/replicas", d.label() + " sets replicas: " + replicas + " while " + hpa.label()
                            + " (" + hpa.where() + ") scales it: every apply resets the count",
                            "remove spec.replicas and let the autoscaler set it"));
                }
            } else if (replicas == null) {
                findings.add(finding(d, "/spec", d.label() + " writes no replicas: it runs one pod",
                        "set spec.replicas: 2 or more (or scale it with a HorizontalPodAutoscaler)"));
            } else if (replicas < 2) {
                findings.add(finding(d, "/spec/replicas", d.label() + " runs " + replicas + " replica" + (replicas == 1 ? "" : "s")
                        + ": one pod lost is the service down", "set spec.replicas: 2 or more (or scale it with a HorizontalPodAutoscaler)"));
            }
        }
        return findings;
    }
}
