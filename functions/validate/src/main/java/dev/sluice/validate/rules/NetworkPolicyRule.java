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
 * A workload whose pods no NetworkPolicy of the manifests (same namespace) selects: any pod of the cluster may
 * reach them, and they may reach anything. An empty podSelector selects every pod. kube-score's pod-networkpolicy
 * (critical), kube-linter's non-isolated-pod and Polaris' missingNetworkPolicy (warning by default): warning.
 * Pods that policies isolate in one direction only are {@link NetworkPolicyPartialRule}'s. Knative workloads are
 * left alone (their traffic passes Knative's activator and queue proxy, which policies must allow by Knative's
 * own labels).
 */
@ApplicationScoped
public class NetworkPolicyRule extends DescribedRule implements ManifestRule {
    public NetworkPolicyRule() {
        super("network-policy", Severity.WARNING, "A workload whose pods no NetworkPolicy selects.");
    }

    /** The directions the policies selecting a workload's pods isolate. */
    record Isolation(boolean selected, boolean ingress, boolean egress) {
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject w : workloads(objects)) {
            if (!isolation(w, objects, scope).selected()) {
                findings.add(finding(w, ServiceSelectorRule.podLabelsPointer(w), w.label() + ": no NetworkPolicy selects its pods",
                        "add a NetworkPolicy whose podSelector matches the pods, with policyTypes [Ingress, Egress] and the traffic they need"));
            }
        }
        return findings;
    }

    static List<ManifestObject> workloads(List<ManifestObject> objects) {
        return objects.stream().filter(o -> Workloads.selectable(o) && PodSpecs.podSpec(o) != null).toList();
    }

    /**
     * What the NetworkPolicies selecting the workload's pods isolate: the directions their {@code policyTypes} name
     * (without them: Ingress, and Egress when the policy has egress rules).
     */
    static Isolation isolation(ManifestObject w, List<ManifestObject> objects, ValidationScope scope) {
        boolean selected = false;
        boolean ingress = false;
        boolean egress = false;
        for (ManifestObject p : objects) {
            if (!"NetworkPolicy".equals(p.kind()) || !p.group().startsWith("networking.k8s.io") || !Workloads.sameNamespace(p, w, scope)
                    || !Selectors.labelSelectorSelects(p.at("/spec/podSelector"), Workloads.podLabels(w))) {
                continue;
            }
            selected = true;
            JsonNode types = p.at("/spec/policyTypes");
            if (types.isArray() && !types.isEmpty()) {
                ingress |= RbacPodExecRule.contains(types, Set.of("Ingress"));
                egress |= RbacPodExecRule.contains(types, Set.of("Egress"));
            } else {
                ingress = true;
                egress |= p.at("/spec/egress").isArray();
            }
        }
        return new Isolation(selected, ingress, egress);
    }
}
