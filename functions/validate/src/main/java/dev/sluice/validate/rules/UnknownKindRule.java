package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;
import dev.sluice.validate.schema.DeprecatedApis;
import dev.sluice.validate.schema.KubernetesSchemas;
import dev.sluice.validate.schema.NearestName;

/**
 * A kind the schema does not know, said once per apiVersion and kind: a custom resource is not schema-checked
 * (the dry-run against a cluster checks it). Only an info, since CRDs are normal. A kind a Kubernetes
 * group/version does not serve at all is not one: the schema rule makes it an error.
 */
@ApplicationScoped
public class UnknownKindRule implements ManifestRule {
    public static final String ID = "unknown-kind";

    private final KubernetesSchemas schemas = KubernetesSchemas.get();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "A kind Sluice has no schema for (a custom resource): its fields are not schema-checked.";
    }

    @Override
    public Severity severity() {
        return Severity.INFO;
    }

    @Override
    public Category category() {
        return Category.SCHEMA;
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        Set<String> said = new HashSet<>();
        for (ManifestObject o : objects) {
            if (schemas.schema(o.apiVersion(), o.kind()) != null || !schemas.versions(o.group(), o.kind()).isEmpty()
                    || DeprecatedApis.of(o.apiVersion(), o.kind()) != null) {
                continue;
            }
            Set<String> served = schemas.servedKinds(o.apiVersion());
            if (!served.isEmpty() && !served.contains(o.kind())) {
                continue; // a kind Kubernetes does not serve there: the schema rule's error
            }
            if (!said.add(o.apiVersion() + " " + o.kind())) {
                continue;
            }
            if (served.contains(o.kind())) {
                findings.add(finding(o, "/kind", o.apiVersion() + " " + o.kind() + " is a Kubernetes kind Sluice has no schema"
                        + " for, so its fields are not checked", "a cluster's dry-run checks it (sluice.validate.dry-run.enabled)"));
                continue;
            }
            // a custom resource, or a Knative kind the schema lacks: a guess when the apiVersion has kinds Sluice knows
            String guess = NearestName.of(o.kind(), schemas.kinds(o.apiVersion()));
            findings.add(finding(o, "/kind", o.apiVersion() + " " + o.kind() + " is not a kind Sluice has a schema for,"
                    + " so its fields are not checked" + (guess == null ? "" : " (did you mean " + guess + "?)"),
                    "check the kind's spelling; a custom resource is checked by the cluster's dry-run"));
        }
        return findings;
    }
}
