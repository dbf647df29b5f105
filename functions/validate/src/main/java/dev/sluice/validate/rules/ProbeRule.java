package dev.sluice.validate.rules;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A long-running container without a probe of one kind. Not for init containers, Jobs, or Knative Services
 * (Knative probes the container's port itself).
 */
public abstract class ProbeRule extends ContainerRule {
    private final String field;
    private final String why;

    protected ProbeRule(String id, String field, String description, String why) {
        super(id, Severity.WARNING, description);
        this.field = field;
        this.why = why;
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        return Kinds.longRunning(object) ? super.check(object, scope) : List.of();
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        if (c.init() || (c.node().has(field) && !c.node().get(field).isNull())) {
            return List.of();
        }
        return List.of(finding(object, c.pointer(), describe(object, c) + " has no " + field + ": " + why,
                "add a " + field + " (httpGet, tcpSocket, grpc or exec) that checks the container's own health"));
    }
}
