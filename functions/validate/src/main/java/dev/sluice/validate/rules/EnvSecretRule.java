package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * An environment variable whose name says secret (PASSWORD, TOKEN, API_KEY...) with a literal value: the secret
 * sits in the repository and in every describe of the pod. Values that are references ($(VAR)) are not flagged.
 */
@ApplicationScoped
public class EnvSecretRule extends ContainerRule {
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(secret|passw(or)?d|passwd|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key).*");

    public EnvSecretRule() {
        super("env-secret", Severity.WARNING, "An environment variable named like a secret with a literal value in the manifest.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode env = c.node().path("env");
        List<ManifestFinding> findings = new ArrayList<>();
        for (int i = 0; i < env.size(); i++) {
            JsonNode e = env.get(i);
            String name = e.path("name").asText("");
            JsonNode value = e.get("value");
            if (value == null || !value.isValueNode() || value.asText().isBlank() || value.asText().startsWith("$(")
                    || !SECRET_NAME.matcher(name).matches()) {
                continue;
            }
            findings.add(finding(object, c.pointer() + "/env/" + i + "/value", describe(object, c) + " sets " + name
                    + " to a literal value in the manifest", "put the value in a Secret (kept out of git) and use valueFrom.secretKeyRef"));
        }
        return findings;
    }
}
