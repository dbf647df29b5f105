package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.secrets.Credentials;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A ConfigMap entry that holds a credential: a provider token, a private key, or a high-entropy value under a
 * name like password or token, as common's secret recognition ({@link Credentials}, the one analyze's secret scan
 * uses) reads each line of the entry, prefixed with its key. A ConfigMap is readable by anyone who may read the
 * namespace's configuration and is committed in clear. Polaris' sensitiveConfigmapContent: danger by default, an
 * error here.
 */
@ApplicationScoped
public class SensitiveConfigMapRule extends DescribedRule implements ObjectRule {
    public SensitiveConfigMapRule() {
        super("sensitive-configmap", Severity.ERROR, "A ConfigMap entry holding what looks like a credential.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!"ConfigMap".equals(object.kind()) || !"".equals(object.group())) {
            return List.of();
        }
        List<ManifestFinding> findings = new ArrayList<>();
        JsonNode data = object.at("/data");
        if (!data.isObject()) {
            return findings;
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) data::fields) {
            if (!e.getValue().isValueNode()) {
                continue;
            }
            Set<String> kinds = new LinkedHashSet<>();
            for (String line : e.getValue().asText().split("\n")) {
                Credentials.inLine(e.getKey() + ": " + line).forEach(m -> kinds.add(m.kind().label));
            }
            if (!kinds.isEmpty()) {
                findings.add(finding(object, "/data/" + e.getKey().replace("~", "~0").replace("/", "~1"), object.label()
                        + " entry " + e.getKey() + " holds a " + String.join(", ", kinds),
                        "move the value into a Secret kept out of git (sealed, external or created by the deployment) and reference it"));
            }
        }
        return findings;
    }
}
