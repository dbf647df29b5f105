package dev.sluice.validate.rules;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A binding to the cluster-admin role: whoever holds the subject owns the cluster. */
@ApplicationScoped
public class ClusterAdminBindingRule extends DescribedRule implements ObjectRule {
    private static final Set<String> BINDINGS = Set.of("RoleBinding", "ClusterRoleBinding");

    public ClusterAdminBindingRule() {
        super("cluster-admin-binding", Severity.ERROR, "A RoleBinding or ClusterRoleBinding that grants cluster-admin.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!BINDINGS.contains(object.kind()) || !object.group().startsWith("rbac.authorization.k8s.io")
                || !"cluster-admin".equals(object.at("/roleRef/name").asText())) {
            return List.of();
        }
        return List.of(finding(object, "/roleRef/name", object.label() + " binds its subjects to cluster-admin",
                "bind a Role (or ClusterRole) that grants only what the subjects need"));
    }
}
