package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * Two Services of the same type that select the same pods on the same port: one of them is a leftover, or a
 * copy-paste. (A ClusterIP Service beside a LoadBalancer one for the same pods is a normal pattern.)
 */
@ApplicationScoped
public class ServiceOverlapRule extends DescribedRule implements ManifestRule {
    public ServiceOverlapRule() {
        super("service-overlap", Severity.WARNING, "Two Services of the same type that select the same pods on the same port.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestObject> services = objects.stream().filter(ServiceSelectorRule::isCoreService)
                .filter(s -> s.at("/spec/selector").isObject() && !s.at("/spec/selector").isEmpty()).toList();
        List<ManifestFinding> findings = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            for (int j = i + 1; j < services.size(); j++) {
                ManifestObject a = services.get(i);
                ManifestObject b = services.get(j);
                Set<String> shared = ports(a);
                shared.retainAll(ports(b));
                // an internal Service beside a LoadBalancer one for the same pods is a normal pattern
                if (shared.isEmpty() || !type(a).equals(type(b))) {
                    continue;
                }
                for (ManifestObject w : objects) {
                    if (ServiceSelectorRule.selects(a, a.at("/spec/selector"), w, scope)
                            && ServiceSelectorRule.selects(b, b.at("/spec/selector"), w, scope)) {
                        findings.add(finding(b, "/spec/selector", b.label() + " and " + a.label() + " (" + a.where()
                                + ") both select the pods of " + w.label() + " on port " + String.join(", ", shared),
                                "keep one Service per set of pods and port, or make the selectors disjoint"));
                        break;
                    }
                }
            }
        }
        return findings;
    }

    private static String type(ManifestObject service) {
        return service.at("/spec/type").asText("ClusterIP");
    }

    private static Set<String> ports(ManifestObject service) {
        Set<String> ports = new HashSet<>();
        for (JsonNode p : service.at("/spec/ports")) {
            ports.add(p.path("port").asText());
        }
        return ports;
    }
}
