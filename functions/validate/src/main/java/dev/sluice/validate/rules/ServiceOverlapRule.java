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
        List<ManifestObject> workloads = objects.stream().filter(w -> ServiceSelectorRule.podLabelsPointer(w) != null).toList();
        // which workloads each Service selects, computed once: pairs of Services then compare small sets
        List<Set<Integer>> selected = new ArrayList<>();
        for (ManifestObject service : services) {
            Set<Integer> indices = new HashSet<>();
            for (int w = 0; w < workloads.size(); w++) {
                if (ServiceSelectorRule.selects(service, service.at("/spec/selector"), workloads.get(w), scope)) {
                    indices.add(w);
                }
            }
            selected.add(indices);
        }
        List<ManifestFinding> findings = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            if (selected.get(i).isEmpty()) {
                continue;
            }
            for (int j = i + 1; j < services.size(); j++) {
                ManifestObject a = services.get(i);
                ManifestObject b = services.get(j);
                if (!type(a).equals(type(b)) || java.util.Collections.disjoint(selected.get(i), selected.get(j))) {
                    continue; // an internal Service beside a LoadBalancer one for the same pods is a normal pattern
                }
                Set<String> shared = ports(a);
                shared.retainAll(ports(b));
                if (shared.isEmpty()) {
                    continue;
                }
                Set<Integer> both = new HashSet<>(selected.get(i));
                both.retainAll(selected.get(j));
                ManifestObject w = workloads.get(both.stream().min(Integer::compare).orElseThrow());
                findings.add(finding(b, "/spec/selector", b.label() + " and " + a.label() + " (" + a.where()
                        + ") both select the pods of " + w.label() + " on port " + String.join(", ", shared),
                        "keep one Service per set of pods and port, or make the selectors disjoint"));
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
