package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * The same check as liveness and readiness probe: when a dependency is slow, the pod is taken out of the
 * Service and also restarted, which turns a slow-down into an outage.
 */
@ApplicationScoped
public class IdenticalProbesRule extends ContainerRule {
    private static final List<String> HANDLERS = List.of("httpGet", "tcpSocket", "grpc", "exec");

    public IdenticalProbesRule() {
        super("identical-probes", Severity.WARNING, "A container whose liveness and readiness probes run the same check.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode liveness = c.node().get("livenessProbe");
        JsonNode readiness = c.node().get("readinessProbe");
        if (liveness == null || readiness == null) {
            return List.of();
        }
        for (String h : HANDLERS) {
            if (liveness.has(h) && liveness.get(h).equals(readiness.get(h))) {
                return List.of(finding(object, c.pointer() + "/livenessProbe", describe(object, c)
                        + " liveness and readiness probes run the same " + h + " check",
                        "make the liveness probe check only that the process is alive (a cheaper endpoint)"));
            }
        }
        return List.of();
    }
}
