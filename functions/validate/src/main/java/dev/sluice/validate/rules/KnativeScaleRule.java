package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * The autoscaling annotations of a Knative revision: min-scale, max-scale and initial-scale must be
 * non-negative integers, and min-scale must not exceed max-scale (0 means no maximum).
 */
@ApplicationScoped
public class KnativeScaleRule extends DescribedRule implements ObjectRule {
    private static final String PREFIX = "autoscaling.knative.dev/";

    public KnativeScaleRule() {
        super("knative-scale", Severity.ERROR, "Knative min-scale / max-scale annotations that are not integers, or min-scale above max-scale.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String annotations = KnativeRevisionSpecs.annotations(object);
        List<ManifestFinding> findings = new ArrayList<>();
        if (annotations == null) {
            return findings;
        }
        Long min = scale(object, annotations, "min-scale", "minScale", findings);
        Long max = scale(object, annotations, "max-scale", "maxScale", findings);
        scale(object, annotations, "initial-scale", "initialScale", findings);
        if (min != null && max != null && max > 0 && min > max) {
            findings.add(finding(object, annotations + "/" + escape(PREFIX + "min-scale"), object.label() + " min-scale " + min
                    + " is above max-scale " + max, "make min-scale at most max-scale"));
        }
        return findings;
    }

    private Long scale(ManifestObject object, String annotations, String name, String legacy, List<ManifestFinding> findings) {
        String key = object.labels(annotations).containsKey(PREFIX + name) ? PREFIX + name : PREFIX + legacy;
        String value = object.labels(annotations).get(key);
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        findings.add(finding(object, annotations + "/" + escape(key), object.label() + " " + key + " is '" + value
                + "', not a non-negative integer", "write " + key + " as a quoted whole number, e.g. \"1\""));
        return null;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
