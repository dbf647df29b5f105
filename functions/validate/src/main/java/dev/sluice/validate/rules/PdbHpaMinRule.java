package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A PodDisruptionBudget whose minAvailable is at or above the minReplicas of the HorizontalPodAutoscaler scaling a
 * workload it covers: at the autoscaler's minimum no pod may be evicted. Polaris'
 * pdbMinAvailableGreaterThanOrEqualToHPAMinReplicas (warning by default).
 */
@ApplicationScoped
public class PdbHpaMinRule extends DescribedRule implements ManifestRule {
    public PdbHpaMinRule() {
        super("pdb-hpa-min", Severity.WARNING,
                "A PodDisruptionBudget whose minAvailable is at or above the minReplicas of the autoscaler of a workload it covers.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject pdb : objects) {
            JsonNode min = pdb.at("/spec/minAvailable");
            if (!Workloads.isPdb(pdb) || !min.isIntegralNumber()) {
                continue;
            }
            for (ManifestObject w : objects) {
                ManifestObject hpa = Workloads.pdbSelects(pdb, w, scope) ? Workloads.hpaOf(w, objects, scope) : null;
                if (hpa != null && min.asInt() >= Workloads.hpaMin(hpa)) {
                    findings.add(finding(pdb, "/spec/minAvailable", pdb.label() + " has minAvailable " + min.asInt()
                            + ", not below minReplicas " + Workloads.hpaMin(hpa) + " of " + hpa.label() + " (" + hpa.where()
                            + ") scaling " + w.label() + ": at that scale no pod may be evicted",
                            "make minAvailable lower than the autoscaler's minReplicas (or use maxUnavailable: 1)"));
                }
            }
        }
        return findings;
    }
}
