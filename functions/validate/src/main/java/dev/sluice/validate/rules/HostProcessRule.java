package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Windows HostProcess container ({@code windowsOptions.hostProcess: true}, in the container's or the pod's
 * security context): it runs as a process on the node with the node's privileges. Default warning, as Polaris'
 * hostProcess.
 */
@ApplicationScoped
public class HostProcessRule extends ContainerRule {
    public HostProcessRule() {
        super("host-process", Severity.WARNING, "A Windows container that runs as a HostProcess on the node.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode own = c.node().path("securityContext").path("windowsOptions").get("hostProcess");
        String pointer;
        if (own != null && !own.isNull()) {
            pointer = c.pointer() + "/securityContext/windowsOptions/hostProcess";
        } else {
            own = pod.path("securityContext").path("windowsOptions").get("hostProcess");
            pointer = PodSpecs.podSpecPointer(object) + "/securityContext/windowsOptions/hostProcess";
        }
        if (own == null || !own.asBoolean(false)) {
            return List.of();
        }
        return List.of(finding(object, pointer, describe(object, c) + " runs as a HostProcess on the node",
                "remove windowsOptions.hostProcess (or set it to false); run node agents only where they must, waived with a reason"));
    }
}
