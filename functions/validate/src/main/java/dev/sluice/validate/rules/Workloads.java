package dev.sluice.validate.rules;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestObject;

/**
 * What the cross-object rules ask about workloads: the labels their pods carry, their replicas, and which
 * HorizontalPodAutoscalers and PodDisruptionBudgets of the same manifests are about them (same namespace).
 */
public final class Workloads {
    private Workloads() {
    }

    /** The labels the workload's pods carry: the template's, else (no template labels) what its selector asks for. */
    public static Map<String, String> podLabels(ManifestObject workload) {
        String pointer = ServiceSelectorRule.podLabelsPointer(workload);
        if (pointer == null) {
            return Map.of();
        }
        Map<String, String> labels = workload.labels(pointer);
        if (labels.isEmpty() && workload.at("/spec/selector/matchLabels").isObject()) {
            return workload.labels("/spec/selector/matchLabels");
        }
        return labels;
    }

    /** Workloads whose pods other objects select by label (not Knative, whose pods Knative labels itself). */
    public static boolean selectable(ManifestObject o) {
        return ServiceSelectorRule.podLabelsPointer(o) != null;
    }

    public static boolean sameNamespace(ManifestObject a, ManifestObject b, ValidationScope scope) {
        return Objects.equals(Kinds.namespace(a, scope), Kinds.namespace(b, scope));
    }

    /** {@code spec.replicas} when written as a number, else null. */
    public static Integer replicas(ManifestObject workload) {
        JsonNode r = workload.at("/spec/replicas");
        return r.isIntegralNumber() ? r.asInt() : null;
    }

    public static boolean isHpa(ManifestObject o) {
        return "HorizontalPodAutoscaler".equals(o.kind()) && o.group().equals("autoscaling");
    }

    public static boolean isPdb(ManifestObject o) {
        return "PodDisruptionBudget".equals(o.kind()) && o.group().equals("policy");
    }

    /** The HorizontalPodAutoscaler of the manifests that scales this workload (kind, name and namespace), or null. */
    public static ManifestObject hpaOf(ManifestObject workload, List<ManifestObject> objects, ValidationScope scope) {
        for (ManifestObject hpa : objects) {
            if (isHpa(hpa) && sameNamespace(hpa, workload, scope)
                    && workload.kind().equals(hpa.at("/spec/scaleTargetRef/kind").asText())
                    && Objects.equals(workload.name(), hpa.at("/spec/scaleTargetRef/name").asText())) {
                return hpa;
            }
        }
        return null;
    }

    /** The HPA's minReplicas (1 when not written, as the API server defaults it). */
    public static int hpaMin(ManifestObject hpa) {
        JsonNode min = hpa.at("/spec/minReplicas");
        return min.isIntegralNumber() ? min.asInt() : 1;
    }

    /** Whether a PodDisruptionBudget (same namespace) selects the workload's pods; an empty selector selects all. */
    public static boolean pdbSelects(ManifestObject pdb, ManifestObject workload, ValidationScope scope) {
        return isPdb(pdb) && selectable(workload) && sameNamespace(pdb, workload, scope)
                && Selectors.labelSelectorSelects(pdb.at("/spec/selector"), podLabels(workload));
    }
}
