package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container without a CPU request, a memory request or a memory limit, naming each one missing: the
 * scheduler cannot place it sensibly without requests, and without a memory limit one leaking container can
 * starve its neighbours.
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
            for (String[] quantity : REQUIRED) {
                if (!isSet(resources.path(quantity[0]).path(quantity[1]))) {
                    missing.add("resources." + quantity[0] + "." + quantity[1]);
                }
            }
            if (!missing.isEmpty()) {
                findings.add(finding(object, c.pointer() + (c.node().has("resources") ? "/resources" : ""),
                        object.label() + " " + c.label() + " has no " + String.join(", ", missing),
                        "set " + String.join(", ", missing) + ": requests let the scheduler place the pod, "
                                + "a memory limit keeps one container from starving its node"));
            }
        }
        return findings;
    }

    /** What kube-score, Polaris and kube-linter ask of every container (a CPU limit only throttles: not asked). */
    private static final String[][] REQUIRED = {{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}};

    private static boolean isSet(JsonNode quantity) {
        return quantity.isNumber() || quantity.isTextual() && !quantity.asText().isBlank();
    }
}
