package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A PodDisruptionBudget that allows no voluntary disruption, or says nothing: neither minAvailable nor
 * maxUnavailable (kube-score's "PodDisruptionBudget has policy"), maxUnavailable 0 or 0%, minAvailable 100%
 * (Polaris' pdbDisruptionsIsZero, warning by default), or a minAvailable at or above the replicas of a workload it
 * covers that no autoscaler of the manifests scales (kube-linter's pdb-min-available): node drains then hang.
 * Autoscaled workloads are pdb-hpa-min's. Warning.
 */
@ApplicationScoped
public class PdbDisruptionRule extends DescribedRule implements ManifestRule {
    public PdbDisruptionRule() {
        super("pdb-disruption", Severity.WARNING, "A PodDisruptionBudget with no policy, or one that lets no pod be evicted.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject pdb : objects) {
            if (!Workloads.isPdb(pdb)) {
                continue;
            }
            JsonNode min = pdb.at("/spec/minAvailable");
            JsonNode max = pdb.at("/spec/maxUnavailable");
            String fix = "allow at least one eviction: maxUnavailable: 1, or a minAvailable below the replicas";
            if (!set(min) && !set(max)) {
                findings.add(finding(pdb, "/spec", pdb.label() + " sets neither minAvailable nor maxUnavailable", fix));
            } else if (set(max) && (max.asText().equals("0") || max.asText().equals("0%"))) {
                findings.add(finding(pdb, "/spec/maxUnavailable", pdb.label() + " has maxUnavailable " + max.asText()
                        + ": no pod may be evicted, node drains hang", fix));
            } else if (set(min) && min.asText().equals("100%")) {
                findings.add(finding(pdb, "/spec/minAvailable", pdb.label() + " has minAvailable 100%: no pod may be evicted, node drains hang", fix));
            } else if (min.isIntegralNumber()) {
                for (ManifestObject w : objects) {
                    if (Workloads.pdbSelects(pdb, w, scope) && Workloads.hpaOf(w, objects, scope) == null) {
                        int replicas = Workloads.replicas(w) == null ? 1 : Workloads.replicas(w);
                        if (min.asInt() >= replicas) {
                            findings.add(finding(pdb, "/spec/minAvailable", pdb.label() + " has minAvailable " + min.asInt()
                                    + ", not below the " + replicas + " replica" + (replicas == 1 ? "" : "s") + " of " + w.label()
                                    + " (" + w.where() + "): no pod may be evicted", fix));
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static boolean set(JsonNode n) {
        return !n.isMissingNode() && !n.isNull();
    }
}
