package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container whose {@code securityContext.procMount} is not {@code Default} ({@code Unmasked} shows the node's
 * /proc unmasked). Default warning, as Polaris' procMount (kube-linter's unsafe-proc-mount).
 */
@ApplicationScoped
public class ProcMountRule extends ContainerRule {
    public ProcMountRule() {
        super("proc-mount", Severity.WARNING, "A container whose procMount is not Default (an unmasked /proc).");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode procMount = c.node().path("securityContext").get("procMount");
        if (procMount == null || procMount.isNull() || "Default".equals(procMount.asText())) {
            return List.of();
        }
        return List.of(finding(object, c.pointer() + "/securityContext/procMount", describe(object, c) + " mounts /proc "
                + procMount.asText() + ", not with the default masks", "remove securityContext.procMount (or set it to Default)"));
    }
}
