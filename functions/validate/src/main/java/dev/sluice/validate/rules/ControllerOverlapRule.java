package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * Two controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, DeploymentConfig; same
 * namespace) where the selector of one selects the pods the other creates: both count those pods as theirs, and
 * each scales, deletes or replaces the other's. Kubernetes' documentation warns against overlapping selectors; none
 * of the three tools checks it: warning. The finding is at the later controller's selector and names the earlier one.
 */
@ApplicationScoped
public class ControllerOverlapRule extends DescribedRule implements ManifestRule {
    private static final Set<String> CONTROLLERS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "ReplicationController", "DeploymentConfig");

    public ControllerOverlapRule() {
        super("controller-overlap", Severity.WARNING, "Two controllers whose selectors select the same pods.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestObject> controllers = objects.stream()
                .filter(o -> CONTROLLERS.contains(o.kind()) && Workloads.selectable(o) && selector(o).size() > 0).toList();
        // each controller's pods' labels and namespace once: the pairs then only compare
        List<Map<String, String>> labels = controllers.stream().map(Workloads::podLabels).toList();
        List<String> namespaces = controllers.stream().map(o -> Kinds.namespace(o, scope)).toList();
        List<ManifestFinding> findings = new ArrayList<>();
        for (int j = 1; j < controllers.size(); j++) {
            ManifestObject b = controllers.get(j);
            for (int i = 0; i < j; i++) {
                ManifestObject a = controllers.get(i);
                if (Objects.equals(namespaces.get(i), namespaces.get(j))
                        && (selects(a, labels.get(j)) || selects(b, labels.get(i)))) {
                    findings.add(finding(b, "/spec/selector", b.label() + " and " + a.label() + " (" + a.where()
                            + ") select the same pods: each controller manages the other's",
                            "give each controller a label of its own (e.g. app.kubernetes.io/name) in its selector and template"));
                    break;
                }
            }
        }
        return findings;
    }

    private static JsonNode selector(ManifestObject o) {
        return o.at("/spec/selector");
    }

    /** Whether a's selector selects pods with these labels. */
    private static boolean selects(ManifestObject a, Map<String, String> labels) {
        JsonNode selector = selector(a);
        boolean map = ("ReplicationController".equals(a.kind()) || "DeploymentConfig".equals(a.kind())) && !selector.has("matchLabels");
        return map ? Selectors.mapSelects(selector, labels) : Selectors.labelSelectorSelects(selector, labels);
    }
}
