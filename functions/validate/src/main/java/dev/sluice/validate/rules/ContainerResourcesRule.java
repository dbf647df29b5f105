package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container without resource requests or limits: the scheduler cannot place it sensibly without requests,
 * and without limits one leaking container can starve its neighbours.
 */
@ApplicationScoped
public class ContainerResourcesRule implements ObjectRule {
    public static final String ID = "resources";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "A container without CPU and memory requests, or without a memory limit.";
    }

    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (PodSpecs.Container c : PodSpecs.containers(object)) {
            JsonNode resources = c.node().path("resources");
            List<String> missing = new ArrayList<>();
            if (isEmpty(resources.path("requests"))) {
                missing.add("resources.requests");
            }
            if (isEmpty(resources.path("limits"))) {
                missing.add("resources.limits");
            }
            if (!missing.isEmpty()) {
                findings.add(finding(object, c.pointer() + (c.node().has("resources") ? "/resources" : ""), object.label() + " " + c.label() + " has no " + String.join(" or ", missing),
                        "set cpu and memory requests, and a memory limit"));
            }
        }
        return findings;
    }

    private static boolean isEmpty(JsonNode n) {
        return !n.isObject() || n.isEmpty();
    }
}
