package dev.sluice.validate.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload whose selector does not select its own pod template: the API server refuses it ("selector does
 * not match template labels"), or, for older kinds, the controller never sees the pods it creates.
 */
@ApplicationScoped
public class SelectorMismatchRule extends DescribedRule implements ObjectRule {
    private static final Set<String> LABEL_SELECTOR_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");

    public SelectorMismatchRule() {
        super("selector-mismatch", Severity.ERROR, "A workload whose selector does not match its pod template's labels.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String metadata = PodSpecs.templateMetadataPointer(object);
        JsonNode selector = object.at("/spec/selector");
        if (metadata == null || PodSpecs.isKnative(object) || !selector.isObject() || selector.isEmpty()) {
            return List.of();
        }
        Map<String, String> labels = object.labels(metadata + "/labels");
        boolean labelSelector = LABEL_SELECTOR_KINDS.contains(object.kind());
        boolean selects = labelSelector ? Selectors.labelSelectorSelects(selector, labels)
                : selector.has("matchLabels") ? Selectors.labelSelectorSelects(selector, labels) : Selectors.mapSelects(selector, labels);
        if (selects) {
            return List.of();
        }
        return List.of(finding(object, "/spec/selector", object.label() + " selector " + selector
                + " does not match its pod template labels " + labels,
                "make spec.selector match spec.template.metadata.labels (the selector cannot change after creation)"));
    }
}
