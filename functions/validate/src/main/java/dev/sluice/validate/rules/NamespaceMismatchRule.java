package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * An object whose metadata.namespace is not the namespace of the environment the run deploys to: it would land
 * beside another environment's objects. Checked only when the run has an environment.
 */
@ApplicationScoped
public class NamespaceMismatchRule extends DescribedRule implements ObjectRule {
    public NamespaceMismatchRule() {
        super("namespace-mismatch", Severity.ERROR, "An object whose namespace differs from the namespace of the environment it deploys to.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (scope.namespace() == null || object.namespace() == null || Kinds.clusterScoped(object)
                || object.namespace().equals(scope.namespace())) {
            return List.of();
        }
        return List.of(finding(object, "/metadata/namespace", object.label() + " is in namespace " + object.namespace()
                + ", but environment " + (scope.environment() == null ? "" : scope.environment() + " ")
                + "deploys to " + scope.namespace(),
                "remove metadata.namespace (the environment's namespace applies) or set it to " + scope.namespace()));
    }
}
