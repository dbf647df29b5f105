package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** allowPrivilegeEscalation: true lets a process gain more privileges than its parent (setuid binaries). */
@ApplicationScoped
public class PrivilegeEscalationRule extends ContainerRule {
    public PrivilegeEscalationRule() {
        super("privilege-escalation", Severity.WARNING, "A container that allows privilege escalation.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode allow = c.node().path("securityContext").get("allowPrivilegeEscalation");
        if (allow == null || !allow.asBoolean(false)) {
            return List.of();
        }
        return List.of(finding(object, c.pointer() + "/securityContext/allowPrivilegeEscalation",
                describe(object, c) + " allows privilege escalation", "set securityContext.allowPrivilegeEscalation: false"));
    }
}
