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
 * A Role or ClusterRole that grants {@code pods/exec} or {@code pods/attach} (with get, create or *; a WebSocket
 * exec is a get): whoever holds it runs commands in the namespace's pods, with their service accounts and secrets.
 * Polaris' rolePodExecAttach and clusterrolePodExecAttach, danger (an error) by default; Kubernetes' own roles
 * (admin, edit, cluster-admin, system:*) are left alone as there. "*" resources are rbac-wildcard's.
 */
@ApplicationScoped
public class RbacPodExecRule extends DescribedRule implements ObjectRule {
    private static final Set<String> RESOURCES = Set.of("pods/exec", "pods/attach", "pods/*");
    private static final Set<String> VERBS = Set.of("get", "create", "*");
    private static final Set<String> BUILT_IN = Set.of("admin", "edit", "cluster-admin");

    public RbacPodExecRule() {
        super("rbac-pod-exec", Severity.ERROR, "A Role or ClusterRole that grants pods/exec or pods/attach.");
    }

    static boolean isRole(ManifestObject o) {
        return ("Role".equals(o.kind()) || "ClusterRole".equals(o.kind())) && o.group().startsWith("rbac.authorization.k8s.io");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!isRole(object) || object.name() == null || BUILT_IN.contains(object.name()) || object.name().startsWith("system:")) {
            return List.of();
        }
        List<ManifestFinding> findings = new ArrayList<>();
        JsonNode rules = object.at("/rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (!contains(rule.path("apiGroups"), Set.of("", "*")) || !contains(rule.path("verbs"), VERBS)) {
                continue;
            }
            JsonNode resources = rule.path("resources");
            for (int j = 0; j < resources.size(); j++) {
                if (RESOURCES.contains(resources.get(j).asText())) {
                    findings.add(finding(object, "/rules/" + i + "/resources/" + j, object.label() + " rules[" + i + "] grants "
                            + resources.get(j).asText() + ": its holders run commands in the pods",
                            "remove " + resources.get(j).asText() + "; debug through logs, or grant it to people for a time, not to workloads"));
                }
            }
        }
        return findings;
    }

    static boolean contains(JsonNode list, Set<String> any) {
        for (JsonNode v : list) {
            if (any.contains(v.asText())) {
                return true;
            }
        }
        return false;
    }
}
