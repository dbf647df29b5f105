package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container port bound to the node's port ({@code hostPort}): it ties each pod to a node where the port is free
 * and exposes it outside the cluster's network policies. Default warning, as Polaris' hostPortSet.
 */
@ApplicationScoped
public class HostPortRule extends ContainerRule {
    public HostPortRule() {
        super("host-port", Severity.WARNING, "A container port that binds a port of the node (hostPort).");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        List<ManifestFinding> findings = new ArrayList<>();
        JsonNode ports = c.node().path("ports");
        for (int i = 0; i < ports.size(); i++) {
            JsonNode hostPort = ports.get(i).path("hostPort");
            if (hostPort.isNumber() && hostPort.asInt() != 0 || hostPort.isTextual() && !hostPort.asText().equals("0")) {
                findings.add(finding(object, c.pointer() + "/ports/" + i + "/hostPort", describe(object, c)
                        + " binds port " + hostPort.asText() + " of the node (hostPort)",
                        "remove hostPort and reach the pod through a Service (NodePort or LoadBalancer if it must be reached from outside)"));
            }
        }
        return findings;
    }
}
