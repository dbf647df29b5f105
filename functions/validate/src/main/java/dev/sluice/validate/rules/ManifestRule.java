package dev.sluice.validate.rules;

import java.util.List;

import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * One validation rule over the complete objects of a commit. A rule is an {@code @ApplicationScoped} bean in
 * this package: adding a class adds the rule. Its id names it in findings, in {@code .sluice.yaml}
 * ({@code validation.rules.<id>.severity}) and in the {@code sluice.dev/ignore} annotation; its severity is the
 * default the findings carry; its description is what the SARIF rendering shows for it.
 */
public interface ManifestRule {
    String id();

    Severity severity();

    /** One sentence: what the rule finds. */
    String description();

    default Category category() {
        return Category.POLICY;
    }

    /** Whether the rule runs at all (a dry-run needs a configured cluster). */
    default boolean active() {
        return true;
    }

    List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope);

    /** A finding of this rule about one object as a whole, at the rule's severity. */
    default ManifestFinding finding(ManifestObject object, String message, String remediation) {
        return object.finding(id(), severity(), category(), null, message, remediation);
    }

    /** A finding of this rule about the field at {@code pointer}, at that field's line. */
    default ManifestFinding finding(ManifestObject object, String pointer, String message, String remediation) {
        return object.finding(id(), severity(), category(), pointer, message, remediation);
    }
}
