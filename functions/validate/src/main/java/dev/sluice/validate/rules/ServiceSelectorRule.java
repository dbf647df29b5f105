package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Service whose selector matches no pod template in the manifests (same namespace): it has no endpoints,
 * so every request to it fails. Services without a selector (manual endpoints, ExternalName) are left alone.
 */
@ApplicationScoped
public class ServiceSelectorRule extends DescribedRule implements ManifestRule {
    public ServiceSelectorRule() {
        super("service-selector", Severity.WARNING, "A Service whose selector matches no pod of the manifests.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject service : objects) {
            JsonNode selector = service.at("/spec/selector");
            if (!isCoreService(service) || !selector.isObject() || selector.isEmpty()
                    || "ExternalName".equals(service.at("/spec/type").asText())) {
                continue;
            }
            boolean matched = objects.stream().anyMatch(o -> selects(service, selector, o, scope));
            if (!matched) {
                findings.add(finding(service, "/spec/selector", service.label() + " selector " + selector
                        + " matches no pod template in the manifests",
                        "make the selector match the labels of the pods it should serve (spec.template.metadata.labels)"));
            }
        }
        return findings;
    }

    static boolean isCoreService(ManifestObject o) {
        return "Service".equals(o.kind()) && "".equals(o.group());
    }

    /** Whether the Service's selector matches the pods a workload (same namespace) runs. */
    static boolean selects(ManifestObject service, JsonNode selector, ManifestObject workload, ValidationScope scope) {
        String pods = podLabelsPointer(workload);
        return pods != null && Objects.equals(Kinds.namespace(service, scope), Kinds.namespace(workload, scope))
                && Selectors.mapSelects(selector, workload.labels(pods));
    }

    static String podLabelsPointer(ManifestObject workload) {
        if (PodSpecs.podSpecPointer(workload) == null || PodSpecs.isKnative(workload)) {
            return null;
        }
        String template = PodSpecs.templateMetadataPointer(workload);
        return template == null ? "/metadata/labels" : template + "/labels";
    }
}
