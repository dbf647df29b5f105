package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A binding to the cluster-admin role, or to a Role or ClusterRole of the same manifests that grants every verb on
 * every resource ({@code *} verbs on {@code *} resources): whoever holds the subject owns the cluster (or the
 * namespace). Polaris' clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole and
 * rolebindingClusterAdminRole: danger (an error) by default. The finding is at the binding's roleRef and names
 * where the role is.
 */
@ApplicationScoped
public class ClusterAdminBindingRule extends DescribedRule implements ManifestRule {
    private static final Set<String> BINDINGS = Set.of("RoleBinding", "ClusterRoleBinding");

    public ClusterAdminBindingRule() {
        super("cluster-admin-binding", Severity.ERROR,
                "A RoleBinding or ClusterRoleBinding that grants cluster-admin, or a role granting * verbs on * resources.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject binding : objects) {
            if (!BINDINGS.contains(binding.kind()) || !binding.group().startsWith("rbac.authorization.k8s.io")) {
                continue;
            }
            String role = binding.at("/roleRef/name").asText();
            String kind = binding.at("/roleRef/kind").asText();
            if ("cluster-admin".equals(role) && !"Role".equals(kind)) {
                findings.add(finding(binding, "/roleRef/name", binding.label() + " binds its subjects to cluster-admin",
                        "bind a Role (or ClusterRole) that grants only what the subjects need"));
                continue;
            }
            for (ManifestObject r : objects) {
                if (RbacPodExecRule.isRole(r) && kind.equals(r.kind()) && role.equals(r.name())
                        && (kind.equals("ClusterRole") || Workloads.sameNamespace(r, binding, scope)) && grantsAll(r)) {
                    findings.add(finding(binding, "/roleRef/name", binding.label() + " binds its subjects to " + r.label() + " ("
                            + r.where() + "), which grants every verb on every resource",
                            "bind a role that lists the resources and verbs the subjects need"));
                }
            }
        }
        return findings;
    }

    private static final Set<String> EVERY_VERB = Set.of("get", "list", "watch", "create", "update", "patch", "delete");

    /** Whether a rule of the role grants every verb ("*", or the seven written out, as Polaris reads it) on "*" resources. */
    static boolean grantsAll(ManifestObject role) {
        for (JsonNode rule : role.at("/rules")) {
            JsonNode verbs = rule.path("verbs");
            boolean everyVerb = RbacPodExecRule.contains(verbs, Set.of("*"))
                    || EVERY_VERB.stream().allMatch(v -> RbacPodExecRule.contains(verbs, Set.of(v)));
            if (everyVerb && RbacPodExecRule.contains(rule.path("resources"), Set.of("*"))) {
                return true;
            }
        }
        return false;
    }
}
