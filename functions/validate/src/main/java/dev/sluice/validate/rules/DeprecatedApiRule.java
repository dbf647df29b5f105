package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;
import dev.sluice.validate.schema.DeprecatedApis;

/** A removed or deprecated apiVersion (extensions/v1beta1, apps/v1beta1, policy/v1beta1...): clusters refuse it. */
@ApplicationScoped
public class DeprecatedApiRule implements ObjectRule {
    public static final String ID = "deprecated-api";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "An apiVersion that current clusters no longer serve, with the version that replaces it.";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public Category category() {
        return Category.SCHEMA;
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        DeprecatedApis.Deprecation d = DeprecatedApis.of(object.apiVersion(), object.kind());
        if (d == null) {
            return List.of();
        }
        if (d.replacement() == null) {
            return List.of(finding(object, "/apiVersion", object.label() + ": " + d.apiVersion() + " " + d.kind()
                    + " was removed in " + d.removedIn() + " with no replacement",
                    "remove it (for PodSecurityPolicy, use Pod Security Admission labels on the namespace)"));
        }
        return List.of(finding(object, "/apiVersion", object.label() + ": " + d.apiVersion() + " is removed since "
                + d.removedIn() + "; use " + d.replacement(),
                "set apiVersion: " + d.replacement() + " and adjust the fields that changed (e.g. a required spec.selector)"));
    }
}
