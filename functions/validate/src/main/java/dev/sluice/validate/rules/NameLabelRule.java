package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload or Service without the recommended {@code app.kubernetes.io/name} label: tools (dashboards, cost
 * reports, Sluice's own deploy status) group objects by it.
 */
@ApplicationScoped
public class NameLabelRule extends DescribedRule implements ObjectRule {
    static final String LABEL = "app.kubernetes.io/name";

    public NameLabelRule() {
        super("name-label", Severity.INFO, "A workload or Service without the app.kubernetes.io/name label.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (PodSpecs.podSpec(object) == null && !ServiceSelectorRule.isCoreService(object)) {
            return List.of();
        }
        if (object.labels("/metadata/labels").containsKey(LABEL)) {
            return List.of();
        }
        return List.of(finding(object, "/metadata", object.label() + " has no " + LABEL + " label",
                "add metadata.labels." + LABEL + " (the application's name)"));
    }
}
