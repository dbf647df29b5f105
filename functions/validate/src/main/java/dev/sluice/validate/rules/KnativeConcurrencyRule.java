package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** containerConcurrency outside 0..1000: Knative's webhook refuses it (0 means unlimited). */
@ApplicationScoped
public class KnativeConcurrencyRule extends DescribedRule implements ObjectRule {
    static final int MAX = 1000;

    public KnativeConcurrencyRule() {
        super("knative-concurrency", Severity.ERROR, "A Knative revision whose containerConcurrency is outside 0..1000.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String spec = KnativeRevisionSpecs.spec(object);
        JsonNode cc = spec == null ? null : object.at(spec).get("containerConcurrency");
        if (cc == null || !cc.isNumber() || (cc.asLong() >= 0 && cc.asLong() <= MAX)) {
            return List.of();
        }
        return List.of(finding(object, spec + "/containerConcurrency", object.label() + " containerConcurrency " + cc.asText()
                + " is outside 0.." + MAX, "set containerConcurrency between 0 (unlimited) and " + MAX));
    }
}
