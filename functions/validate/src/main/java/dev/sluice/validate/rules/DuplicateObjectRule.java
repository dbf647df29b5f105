package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * The same object (API group, kind, namespace, name) defined twice: one definition silently overwrites the
 * other on apply, so which one the cluster runs depends on file order. Versions of a group do not matter
 * (apps/v1 and apps/v1beta2 are the same object); an object without a namespace lands in the run's namespace.
 */
@ApplicationScoped
public class DuplicateObjectRule implements ManifestRule {
    public static final String ID = "duplicate-object";

    private record Identity(String group, String kind, String namespace, String name) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "The same object (group, kind, namespace, name) defined more than once.";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        Map<Identity, ManifestObject> first = new HashMap<>();
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject o : objects) {
            if (o.name() == null) {
                continue; // manifest-required-field already says so
            }
            String namespace = Kinds.clusterScoped(o) ? null
                    : o.namespace() != null ? o.namespace() : scope.namespace();
            ManifestObject earlier = first.putIfAbsent(new Identity(o.group(), o.kind(), namespace, o.name()), o);
            if (earlier != null) {
                findings.add(finding(o, o.label() + (o.item() >= 0 ? " (items[" + o.item() + "])" : "")
                        + " is defined twice: here and at " + earlier.where(),
                        "keep one definition of each object; remove or rename the other"));
            }
        }
        return findings;
    }
}
