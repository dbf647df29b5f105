package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * The same port (number and protocol) declared twice: across the containers of a pod only one can bind it, and
 * in a Service the API server refuses it.
 */
@ApplicationScoped
public class DuplicatePortRule extends DescribedRule implements ObjectRule {
    public DuplicatePortRule() {
        super("duplicate-port", Severity.WARNING, "The same port and protocol declared twice in a pod or a Service.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        Map<String, String> first = new HashMap<>();
        if ("Service".equals(object.kind()) && "".equals(object.group())) {
            JsonNode ports = object.at("/spec/ports");
            for (int i = 0; i < ports.size(); i++) {
                check(object, ports.get(i).path("port").asText(), ports.get(i), "/spec/ports/" + i, "spec.ports[" + i + "]",
                        first, findings);
            }
            return findings;
        }
        for (PodSpecs.Container c : PodSpecs.containers(object)) {
            if (c.init()) {
                continue;
            }
            JsonNode ports = c.node().path("ports");
            for (int i = 0; i < ports.size(); i++) {
                check(object, ports.get(i).path("containerPort").asText(), ports.get(i), c.pointer() + "/ports/" + i,
                        c.label() + " ports[" + i + "]", first, findings);
            }
        }
        return findings;
    }

    private void check(ManifestObject object, String number, JsonNode port, String pointer, String where,
            Map<String, String> first, List<ManifestFinding> findings) {
        if (number.isEmpty()) {
            return;
        }
        String key = number + "/" + port.path("protocol").asText("TCP");
        String earlier = first.putIfAbsent(key, where);
        if (earlier != null) {
            findings.add(finding(object, pointer, object.label() + " declares port " + key + " twice: " + earlier + " and " + where,
                    "declare each port and protocol once"));
        }
    }
}
