package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Secret with data or stringData in the repository: base64 is not encryption, and git keeps it forever.
 * Empty Secrets (filled in by an operator) and sealed or external secrets are not flagged.
 */
@ApplicationScoped
public class SecretDataRule extends DescribedRule implements ObjectRule {
    public SecretDataRule() {
        super("secret-data", Severity.ERROR, "A Secret whose values are committed to the repository.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!"Secret".equals(object.kind()) || !"".equals(object.group())) {
            return List.of();
        }
        List<ManifestFinding> findings = new ArrayList<>();
        for (String field : List.of("data", "stringData")) {
            JsonNode values = object.at("/" + field);
            if (values.isObject() && !values.isEmpty()) {
                List<String> keys = new ArrayList<>();
                values.fieldNames().forEachRemaining(keys::add);
                findings.add(finding(object, "/" + field, object.label() + " commits " + field + " to the repository ("
                        + String.join(", ", keys) + ")",
                        "keep secret values out of git: a SealedSecret, an ExternalSecret, or create the Secret out of band"));
            }
        }
        return findings;
    }
}
