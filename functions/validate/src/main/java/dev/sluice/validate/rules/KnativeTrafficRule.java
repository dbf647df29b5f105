package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * The traffic block of a Knative Service or Route: percents must sum to 100, each entry names a revision of
 * this Service (its own template name or a name "<service>-...") or latestRevision: true, never both, and
 * tags are unique. Knative refuses or never becomes ready otherwise.
 */
@ApplicationScoped
public class KnativeTrafficRule extends DescribedRule implements ObjectRule {
    public KnativeTrafficRule() {
        super("knative-traffic", Severity.ERROR, "A Knative traffic block whose percents do not sum to 100, or whose entries name no revision of the Service.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        boolean service = PodSpecs.isKnative(object) && "Service".equals(object.kind());
        boolean route = PodSpecs.isKnative(object) && "Route".equals(object.kind());
        JsonNode traffic = object.at("/spec/traffic");
        List<ManifestFinding> findings = new ArrayList<>();
        if ((!service && !route) || !traffic.isArray() || traffic.isEmpty()) {
            return findings;
        }
        long sum = 0;
        Set<String> tags = new HashSet<>();
        String template = object.at("/spec/template/metadata/name").asText(null);
        for (int i = 0; i < traffic.size(); i++) {
            JsonNode t = traffic.get(i);
            String at = "/spec/traffic/" + i;
            sum += t.path("percent").asLong(0);
            boolean latest = t.path("latestRevision").asBoolean(false);
            String revision = t.path("revisionName").asText(null);
            String configuration = t.path("configurationName").asText(null);
            if (latest && revision != null) {
                findings.add(finding(object, at, object.label() + " traffic[" + i + "] sets both revisionName and latestRevision: true",
                        "keep one: a fixed revisionName, or latestRevision: true"));
            } else if (!latest && revision == null && configuration == null) {
                findings.add(finding(object, at, object.label() + " traffic[" + i + "] names no revision",
                        "set revisionName to an existing revision, or latestRevision: true"));
            } else if (service && revision != null && !revision.equals(template) && !revision.startsWith(object.name() + "-")) {
                findings.add(finding(object, at + "/revisionName", object.label() + " traffic[" + i + "] names revision "
                        + revision + ", which is not a revision of " + object.name(),
                        "name a revision of this Service (" + object.name() + "-...), or use latestRevision: true"));
            }
            String tag = t.path("tag").asText(null);
            if (tag != null && !tags.add(tag)) {
                findings.add(finding(object, at + "/tag", object.label() + " traffic tag " + tag + " is used twice",
                        "give each traffic entry its own tag"));
            }
        }
        if (sum != 100) {
            findings.add(finding(object, "/spec/traffic", object.label() + " traffic percents sum to " + sum + ", not 100",
                    "make the percents of the traffic entries add up to 100"));
        }
        return findings;
    }
}
