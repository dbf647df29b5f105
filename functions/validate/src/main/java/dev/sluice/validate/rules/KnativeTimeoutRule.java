package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * timeoutSeconds (and the response-start and idle timeouts) outside 0..max-revision-timeout-seconds, whose
 * default is 600: Knative refuses a longer one unless the cluster's config-defaults raises the maximum.
 */
@ApplicationScoped
public class KnativeTimeoutRule extends DescribedRule implements ObjectRule {
    static final int MAX_SECONDS = 600;
    private static final List<String> FIELDS = List.of("timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds");

    public KnativeTimeoutRule() {
        super("knative-timeout", Severity.ERROR, "A Knative revision timeout outside 0..600 seconds (Knative's default maximum).");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String spec = KnativeRevisionSpecs.spec(object);
        List<ManifestFinding> findings = new ArrayList<>();
        if (spec == null) {
            return findings;
        }
        for (String field : FIELDS) {
            JsonNode t = object.at(spec).get(field);
            if (t != null && t.isNumber() && (t.asLong() < 0 || t.asLong() > MAX_SECONDS)) {
                findings.add(finding(object, spec + "/" + field, object.label() + " " + field + " " + t.asText()
                        + " is outside 0.." + MAX_SECONDS,
                        "set " + field + " to at most " + MAX_SECONDS + " (or raise max-revision-timeout-seconds in config-defaults)"));
            }
        }
        return findings;
    }
}
