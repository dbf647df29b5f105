package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload whose pods NetworkPolicies isolate in one direction only: ingress but not egress (a compromised pod
 * reaches anything), or egress but not ingress. kube-score's pod-networkpolicy grades it a warning; so does this.
 */
@ApplicationScoped
public class NetworkPolicyPartialRule extends DescribedRule implements ManifestRule {
    public NetworkPolicyPartialRule() {
        super("network-policy-partial", Severity.WARNING, "A workload whose pods NetworkPolicies isolate for ingress or egress only.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject w : NetworkPolicyRule.workloads(objects)) {
            NetworkPolicyRule.Isolation i = NetworkPolicyRule.isolation(w, objects, scope);
            if (i.selected() && !(i.ingress() && i.egress())) {
                String open = i.ingress() ? "egress" : "ingress";
                findings.add(finding(w, ServiceSelectorRule.podLabelsPointer(w), w.label() + ": NetworkPolicies select its pods but none restricts their "
                        + open, "add " + open.substring(0, 1).toUpperCase() + open.substring(1)
                                + " to the policyTypes of a NetworkPolicy selecting the pods, with the traffic they need"));
            }
        }
        return findings;
    }
}
