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
 * Pods not spread over failure domains. A long-running workload that runs replicas (not a DaemonSet, a bare Pod,
 * a single replica or Knative, which refuses the field by default) without {@code topologySpreadConstraints}: the
 * scheduler may put every replica on one node or zone (Polaris' topologySpreadConstraint, warning by default). A
 * constraint that counts no pods (no labelSelector): a warning. A constraint the API server refuses (maxSkew under 1,
 * no topologyKey, whenUnsatisfiable other than DoNotSchedule or ScheduleAnyway, minDomains under 1 or beside
 * ScheduleAnyway): an error, as kube-score grades them critical.
 */
@ApplicationScoped
public class TopologySpreadRule extends DescribedRule implements ObjectRule {
    private static final Set<String> SPREAD = Set.of("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig");

    public TopologySpreadRule() {
        super("topology-spread", Severity.WARNING,
                "A replicated workload without topologySpreadConstraints, or with a constraint that is invalid or selects no pods.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        String pod = PodSpecs.podSpecPointer(object);
        if (pod == null || PodSpecs.isKnative(object) || PodSpecs.podSpec(object) == null) {
            return List.of();
        }
        JsonNode constraints = object.at(pod + "/topologySpreadConstraints");
        List<ManifestFinding> findings = new ArrayList<>();
        if (constraints.size() == 0) {
            Integer replicas = Workloads.replicas(object);
            if (SPREAD.contains(object.kind()) && (replicas == null || replicas > 1)) {
                findings.add(finding(object, pod, object.label() + " has no topologySpreadConstraints: all its replicas may land on one node or zone",
                        "add topologySpreadConstraints (topologyKey topology.kubernetes.io/zone or kubernetes.io/hostname, "
                                + "whenUnsatisfiable: ScheduleAnyway, a labelSelector matching the pods)"));
            }
            return findings;
        }
        for (int i = 0; i < constraints.size(); i++) {
            JsonNode c = constraints.get(i);
            String at = pod + "/topologySpreadConstraints/" + i;
            String when = c.path("whenUnsatisfiable").asText("");
            List<String> invalid = new ArrayList<>();
            if (!c.path("maxSkew").isIntegralNumber() || c.path("maxSkew").asInt() < 1) {
                invalid.add("maxSkew must be 1 or more");
            }
            if (c.path("topologyKey").asText("").isBlank()) {
                invalid.add("topologyKey is empty");
            }
            if (!when.equals("DoNotSchedule") && !when.equals("ScheduleAnyway")) {
                invalid.add("whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway");
            }
            JsonNode minDomains = c.get("minDomains");
            if (minDomains != null && !minDomains.isNull() && (!minDomains.isIntegralNumber() || minDomains.asInt() < 1 || when.equals("ScheduleAnyway"))) {
                invalid.add("minDomains must be 1 or more and only with DoNotSchedule");
            }
            if (!invalid.isEmpty()) {
                findings.add(object.finding(id(), Severity.ERROR, category(), at, object.label() + " topologySpreadConstraints["
                        + i + "]: " + String.join("; ", invalid), "fix the constraint: the API server refuses it"));
            } else if (!c.path("labelSelector").isObject()) {
                findings.add(finding(object, at, object.label() + " topologySpreadConstraints[" + i
                        + "] has no labelSelector: it counts no pods and spreads nothing", "add a labelSelector matching the pod template's labels"));
            }
        }
        return findings;
    }
}
