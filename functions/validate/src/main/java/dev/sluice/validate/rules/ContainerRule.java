package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A rule about each container of a workload, seeing the pod spec around it (pod-level security context). */
public abstract class ContainerRule extends DescribedRule implements ObjectRule {

    protected ContainerRule(String id, Severity severity, String description) {
        super(id, severity, description);
    }

    /** Findings for one container; {@code pod} is the pod spec holding it. */
    protected abstract List<ManifestFinding> check(ManifestObject object, PodSpecs.Container container, JsonNode pod);

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        JsonNode pod = PodSpecs.podSpec(object);
        if (pod == null) {
            return List.of();
        }
        List<ManifestFinding> findings = new ArrayList<>();
        for (PodSpecs.Container c : PodSpecs.containers(object)) {
            findings.addAll(check(object, c, pod));
        }
        return findings;
    }

    /** A security context setting of the container, else of the pod (where the pod level has it), else null. */
    protected static JsonNode securitySetting(PodSpecs.Container c, JsonNode pod, String field) {
        JsonNode own = c.node().path("securityContext").get(field);
        if (own != null && !own.isNull()) {
            return own;
        }
        JsonNode podLevel = pod.path("securityContext").get(field);
        return podLevel != null && !podLevel.isNull() ? podLevel : null;
    }

    protected static String describe(ManifestObject object, PodSpecs.Container c) {
        return object.label() + " " + c.label();
    }
}
