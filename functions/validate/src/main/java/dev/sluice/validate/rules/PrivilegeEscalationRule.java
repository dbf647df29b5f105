package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container that allows privilege escalation: a process may gain more privileges than its parent (setuid binaries).
 * Linux allows it unless {@code allowPrivilegeEscalation: false} is written, so a container without the field
 * counts as allowing it, as Polaris (privilegeEscalationAllowed) and kube-score count it. Default warning (Polaris
 * says danger, but an error here would fail every manifest that never wrote the field).
 */
@ApplicationScoped
public class PrivilegeEscalationRule extends ContainerRule {
    public PrivilegeEscalationRule() {
        super("privilege-escalation", Severity.WARNING, "A container that does not set allowPrivilegeEscalation: false.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode allow = c.node().path("securityContext").get("allowPrivilegeEscalation");
        if (allow != null && allow.isBoolean() && !allow.asBoolean()) {
            return List.of();
        }
        boolean written = allow != null && !allow.isNull();
        return List.of(finding(object, c.pointer() + (written ? "/securityContext/allowPrivilegeEscalation" : ""),
                describe(object, c) + (written ? " allows privilege escalation" : " does not forbid privilege escalation (allowPrivilegeEscalation is not false)"),
                "set securityContext.allowPrivilegeEscalation: false"));
    }
}
