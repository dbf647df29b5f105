package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A HorizontalPodAutoscaler whose bounds defeat it: minReplicas above maxReplicas (the API server refuses it: an
 * error), maxReplicas equal to minReplicas (it never scales), or a minimum of one replica (one pod down is the
 * whole service down). Polaris' hpaMaxAvailability and hpaMinAvailability, warnings by default.
 */
@ApplicationScoped
public class HpaReplicasRule extends DescribedRule implements ObjectRule {
    public HpaReplicasRule() {
        super("hpa-replicas", Severity.WARNING,
                "A HorizontalPodAutoscaler with minReplicas under 2, or maxReplicas not above minReplicas.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!Workloads.isHpa(object)) {
            return List.of();
        }
        JsonNode max = object.at("/spec/maxReplicas");
        boolean minWritten = object.at("/spec/minReplicas").isIntegralNumber();
        int min = Workloads.hpaMin(object);
        if (max.isIntegralNumber() && min > max.asInt()) {
            return List.of(object.finding(id(), Severity.ERROR, category(), "/spec/minReplicas", object.label() + " has minReplicas "
                    + min + " above maxReplicas " + max.asInt() + ": the API server refuses it", "make minReplicas at most maxReplicas"));
        }
        if (max.isIntegralNumber() && min == max.asInt()) {
            return List.of(finding(object, "/spec/maxReplicas", object.label() + " has maxReplicas equal to minReplicas ("
                    + min + "): it never scales", "raise maxReplicas above minReplicas, or drop the autoscaler and set replicas"));
        }
        if (min < 2) {
            return List.of(finding(object, minWritten ? "/spec/minReplicas" : "/spec", object.label() + " may scale down to "
                    + min + " replica" + (minWritten ? "" : " (minReplicas not written)") + ": one pod lost is the service down",
                    "set minReplicas: 2 or more"));
        }
        return List.of();
    }
}
