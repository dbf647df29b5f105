package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload with no {@code priorityClassName}: under pressure the scheduler preempts it as readily as batch work.
 * Polaris' priorityClassNotSet (warning by default). Knative workloads are left alone (Knative refuses the field
 * unless a feature flag allows it).
 */
@ApplicationScoped
public class PriorityClassRule extends DescribedRule implements ObjectRule {
    public PriorityClassRule() {
        super("priority-class", Severity.WARNING, "A workload without a priorityClassName.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String pointer = PodSpecs.podSpecPointer(object);
        if (pointer == null || PodSpecs.isKnative(object) || PodSpecs.podSpec(object) == null
                || !object.at(pointer + "/priorityClassName").asText("").isBlank()) {
            return List.of();
        }
        return List.of(finding(object, pointer, object.label() + " sets no priorityClassName",
                "set " + ManifestObject.path(pointer) + ".priorityClassName to a PriorityClass that says how much the workload matters"));
    }
}
