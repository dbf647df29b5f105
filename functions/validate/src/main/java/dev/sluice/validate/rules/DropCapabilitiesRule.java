package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container that keeps NET_RAW: it drops neither ALL capabilities nor NET_RAW, so a process in it can forge
 * packets (ARP and DNS spoofing on the node's network). Default warning; kube-linter's drop-net-raw-capability
 * (on by default) asks the same of every container.
 */
@ApplicationScoped
public class DropCapabilitiesRule extends ContainerRule {
    public DropCapabilitiesRule() {
        super("drop-capabilities", Severity.WARNING, "A container that drops neither ALL capabilities nor at least NET_RAW.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        if (drops(c.node(), "ALL") || drops(c.node(), "NET_RAW")) {
            return List.of();
        }
        boolean hasContext = c.node().path("securityContext").path("capabilities").isObject();
        return List.of(finding(object, c.pointer() + (hasContext ? "/securityContext/capabilities" : ""),
                describe(object, c) + " drops neither ALL capabilities nor NET_RAW",
                "set securityContext.capabilities.drop: [ALL] and add back only what the container needs"));
    }

    /** Whether the container's securityContext.capabilities.drop names the capability (with or without CAP_). */
    static boolean drops(JsonNode container, String capability) {
        for (JsonNode d : container.path("securityContext").path("capabilities").path("drop")) {
            if (d.asText().toUpperCase().replaceFirst("^CAP_", "").equals(capability)) {
                return true;
            }
        }
        return false;
    }
}
