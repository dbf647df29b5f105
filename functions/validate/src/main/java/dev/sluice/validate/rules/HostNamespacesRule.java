package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** hostNetwork, hostPID or hostIPC: the pod shares the node's network, processes or IPC, outside any isolation. */
@ApplicationScoped
public class HostNamespacesRule extends DescribedRule implements ObjectRule {
    private static final List<String> FIELDS = List.of("hostNetwork", "hostPID", "hostIPC");

    public HostNamespacesRule() {
        super("host-namespaces", Severity.ERROR, "A pod that shares the node's network, process or IPC namespace.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        JsonNode pod = PodSpecs.podSpec(object);
        List<ManifestFinding> findings = new ArrayList<>();
        if (pod == null) {
            return findings;
        }
        for (String field : FIELDS) {
            if (pod.path(field).asBoolean(false)) {
                findings.add(finding(object, PodSpecs.podSpecPointer(object) + "/" + field,
                        object.label() + " shares the host's " + field.substring(4).toLowerCase().replace("pid", "process")
                                + " namespace (" + field + ": true)",
                        "remove " + field + ": true; expose the pod through a Service instead of the node"));
            }
        }
        return findings;
    }
}
