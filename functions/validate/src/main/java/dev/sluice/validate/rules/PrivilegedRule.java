package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A privileged container has every capability and the host's devices: a breakout is one bug away. */
@ApplicationScoped
public class PrivilegedRule extends ContainerRule {
    public PrivilegedRule() {
        super("privileged", Severity.ERROR, "A container running privileged (securityContext.privileged: true).");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode privileged = c.node().path("securityContext").get("privileged");
        if (privileged == null || !privileged.asBoolean(false)) {
            return List.of();
        }
        return List.of(finding(object, c.pointer() + "/securityContext/privileged", describe(object, c) + " runs privileged",
                "remove privileged: true; add only the capabilities the container needs"));
    }
}
