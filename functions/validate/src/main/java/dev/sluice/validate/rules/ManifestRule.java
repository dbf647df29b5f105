package dev.sluice.validate.rules;

import java.util.List;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * One validation rule over the complete objects of a commit. A rule is an {@code @ApplicationScoped} bean in
 * this package: adding a class adds the rule. Its id names it in findings (and later in per-rule settings);
 * its severity is the default the findings carry.
 */
public interface ManifestRule {
    String id();

    Severity severity();

    List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope);

    /** A finding of this rule about one object, at the rule's severity. */
    default ManifestFinding finding(ManifestObject object, String message, String remediation) {
        return object.finding(id(), severity(), message, remediation);
    }
}
