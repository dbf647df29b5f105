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
 * Label keys and values, and annotation keys, the API server refuses: a key is an optional DNS subdomain prefix
 * and '/', then at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric; a value the same (or empty).
 * Checked on the object and its pod template.
 */
@ApplicationScoped
public class LabelSyntaxRule extends DescribedRule implements ObjectRule {
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    public LabelSyntaxRule() {
        super("label-syntax", Severity.ERROR, "A label key or value, or an annotation key, that the API server refuses.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        check(object, "/metadata", findings);
        String template = PodSpecs.templateMetadataPointer(object);
        if (template != null) {
            check(object, template, findings);
        }
        return findings;
    }

    private void check(ManifestObject object, String metadata, List<ManifestFinding> findings) {
        JsonNode labels = object.at(metadata + "/labels");
        if (labels.isObject()) {
            labels.fields().forEachRemaining(e -> {
                String at = metadata + "/labels/" + e.getKey().replace("~", "~0").replace("/", "~1");
                String problem = keyProblem(e.getKey());
                if (problem != null) {
                    findings.add(finding(object, at, object.label() + ": label key '" + e.getKey() + "' " + problem,
                            "use [prefix/]name with a DNS prefix and a name of letters, digits, '-', '_' and '.'"));
                }
                String value = e.getValue().isValueNode() ? e.getValue().asText() : null;
                if (value != null && !value.isEmpty() && !(value.length() <= 63 && NAME.matcher(value).matches())) {
                    findings.add(finding(object, at, object.label() + ": label " + e.getKey() + " has value '" + value
                            + "', which is not a valid label value",
                            "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
                }
            });
        }
        JsonNode annotations = object.at(metadata + "/annotations");
        if (annotations.isObject()) {
            annotations.fieldNames().forEachRemaining(key -> {
                String problem = keyProblem(key);
                if (problem != null) {
                    findings.add(finding(object, metadata + "/annotations/" + key.replace("~", "~0").replace("/", "~1"),
                            object.label() + ": annotation key '" + key + "' " + problem,
                            "use [prefix/]name with a DNS prefix and a name of letters, digits, '-', '_' and '.'"));
                }
            });
        }
    }

    /** Why a label or annotation key is refused, or null when it is fine. */
    static String keyProblem(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.length() > 253 || !DnsNameRule.SUBDOMAIN.matcher(prefix).matches())) {
            return "has a prefix that is not a DNS subdomain";
        }
        if (name.length() > 63 || !NAME.matcher(name).matches()) {
            return "has a name part that is not at most 63 letters, digits, '-', '_' or '.'";
        }
        return null;
    }
}
