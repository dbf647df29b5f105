package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Deployment or StatefulSet that no PodDisruptionBudget of the manifests (same namespace) covers: a node drain may
 * evict all its pods at once. Skipped below 2 replicas, as kube-score does (deployment-/statefulset-has-poddisruptionbudget,
 * critical there); Polaris' missingPodDisruptionBudget is a warning by default, and so is this.
 */
@ApplicationScoped
public class PodDisruptionBudgetRule extends DescribedRule implements ManifestRule {
    public PodDisruptionBudgetRule() {
        super("pod-disruption-budget", Severity.WARNING, "A replicated Deployment or StatefulSet that no PodDisruptionBudget covers.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject w : objects) {
            if (!("Deployment".equals(w.kind()) || "StatefulSet".equals(w.kind())) || !Workloads.selectable(w)) {
                continue;
            }
            Integer replicas = Workloads.replicas(w);
            if (replicas != null && replicas < 2 || objects.stream().anyMatch(p -> Workloads.pdbSelects(p, w, scope))) {
                continue;
            }
            findings.add(finding(w, "/spec", w.label() + " has no PodDisruptionBudget: a node drain may evict all its pods at once",
                    "add a PodDisruptionBudget whose selector matches the pods, with maxUnavailable: 1 (or a minAvailable below the replicas)"));
        }
        return findings;
    }
}
