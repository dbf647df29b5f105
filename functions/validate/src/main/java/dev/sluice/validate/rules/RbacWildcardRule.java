package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A Role or ClusterRole rule with "*" in apiGroups, resources or verbs: it grants whatever exists, now and later. */
@ApplicationScoped
public class RbacWildcardRule extends DescribedRule implements ObjectRule {
    private static final Set<String> ROLES = Set.of("Role", "ClusterRole");

    public RbacWildcardRule() {
        super("rbac-wildcard", Severity.WARNING, "A Role or ClusterRole rule that grants \"*\" (all groups, resources or verbs).");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!ROLES.contains(object.kind()) || !object.group().startsWith("rbac.authorization.k8s.io")) {
            return List.of();
        }
        List<ManifestFinding> findings = new ArrayList<>();
        JsonNode rules = object.at("/rules");
        for (int i = 0; i < rules.size(); i++) {
            for (String field : List.of("apiGroups", "resources", "verbs")) {
                JsonNode values = rules.get(i).path(field);
                for (int j = 0; j < values.size(); j++) {
                    if ("*".equals(values.get(j).asText())) {
                        findings.add(finding(object, "/rules/" + i + "/" + field + "/" + j, object.label() + " rules[" + i
                                + "] grants \"*\" " + field, "list the " + field + " the workload needs"));
                    }
                }
            }
        }
        return findings;
    }
}
