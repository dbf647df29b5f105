package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** Added capabilities that give a container a route to the host (the list Polaris and kube-linter warn about). */
@ApplicationScoped
public class CapabilitiesRule extends ContainerRule {
    static final Set<String> DANGEROUS = Set.of("ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO",
            "SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "BPF", "PERFMON", "NET_RAW", "MAC_ADMIN", "MAC_OVERRIDE");

    public CapabilitiesRule() {
        super("capabilities", Severity.ERROR, "A container that adds a dangerous Linux capability (ALL, SYS_ADMIN, NET_ADMIN, ...).");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode add = c.node().path("securityContext").path("capabilities").path("add");
        List<ManifestFinding> findings = new ArrayList<>();
        for (int i = 0; i < add.size(); i++) {
            String cap = add.get(i).asText().toUpperCase().replaceFirst("^CAP_", "");
            if (DANGEROUS.contains(cap)) {
                findings.add(finding(object, c.pointer() + "/securityContext/capabilities/add/" + i,
                        describe(object, c) + " adds capability " + add.get(i).asText(),
                        "drop ALL capabilities and add back only narrow ones the container needs (e.g. NET_BIND_SERVICE)"));
            }
        }
        return findings;
    }
}
