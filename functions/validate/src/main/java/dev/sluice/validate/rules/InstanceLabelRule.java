package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload whose {@code app.kubernetes.io/instance} label names another object than itself: usually a copy of
 * another workload's manifest whose label was not changed, so dashboards and selectors mix the two. Polaris'
 * metadataAndInstanceMismatched (warning by default); unlike Polaris, a workload without the label passes.
 */
@ApplicationScoped
public class InstanceLabelRule extends DescribedRule implements ObjectRule {
    static final String LABEL = "app.kubernetes.io/instance";

    public InstanceLabelRule() {
        super("instance-label", Severity.WARNING, "A workload whose app.kubernetes.io/instance label differs from its name.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String instance = object.labels("/metadata/labels").get(LABEL);
        if (PodSpecs.podSpec(object) == null || instance == null || object.name() == null || instance.equals(object.name())) {
            return List.of();
        }
        return List.of(finding(object, "/metadata/labels/" + LABEL.replace("/", "~1"), object.label() + " has label " + LABEL
                + "=" + instance + ", not its name " + object.name(), "set " + LABEL + " to " + object.name()));
    }
}
