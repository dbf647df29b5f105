package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** The same environment variable twice in one container: the last one silently wins. */
@ApplicationScoped
public class DuplicateEnvRule extends ContainerRule {
    public DuplicateEnvRule() {
        super("duplicate-env", Severity.WARNING, "A container that sets the same environment variable twice.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode env = c.node().path("env");
        Map<String, Integer> first = new HashMap<>();
        List<ManifestFinding> findings = new ArrayList<>();
        for (int i = 0; i < env.size(); i++) {
            String name = env.get(i).path("name").asText(null);
            if (name == null) {
                continue;
            }
            Integer earlier = first.putIfAbsent(name, i);
            if (earlier != null) {
                findings.add(finding(object, c.pointer() + "/env/" + i, describe(object, c) + " sets " + name
                        + " twice (env[" + earlier + "] and env[" + i + "]); the last one wins",
                        "keep one " + name + " entry"));
            }
        }
        return findings;
    }
}
