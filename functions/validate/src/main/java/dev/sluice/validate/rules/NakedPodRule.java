package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Pod written directly, with no controller to reschedule it when its node fails or is drained. Kubernetes'
 * configuration best practices say so ("Don't use naked Pods"); none of the three tools has the check, warning here.
 */
@ApplicationScoped
public class NakedPodRule extends DescribedRule implements ObjectRule {
    public NakedPodRule() {
        super("naked-pod", Severity.WARNING, "A Pod written directly, which no controller recreates when its node goes.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!"Pod".equals(object.kind()) || !"".equals(object.group()) || object.at("/metadata/ownerReferences").size() > 0) {
            return List.of();
        }
        return List.of(finding(object, "/kind", object.label() + " is a bare Pod: nothing recreates it when its node fails or is drained",
                "run it from a Deployment (or a Job for work that ends)"));
    }
}
