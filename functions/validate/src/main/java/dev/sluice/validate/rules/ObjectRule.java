package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;

/** A rule that looks at one object at a time: most policies are. */
public interface ObjectRule extends ManifestRule {
    List<ManifestFinding> check(ManifestObject object, ValidationScope scope);

    @Override
    default List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject o : objects) {
            findings.addAll(check(o, scope));
        }
        return findings;
    }
}
