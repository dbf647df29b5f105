package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A workload whose pods get an API token mounted: neither the pod spec nor its ServiceAccount (when the manifests
 * define it, same namespace) sets {@code automountServiceAccountToken: false}. Whoever breaks into the container
 * talks to the API server as that account. Polaris' automountServiceAccountToken (warning by default); the pod
 * spec's own {@code true} wins over the ServiceAccount, as in Kubernetes.
 */
@ApplicationScoped
public class AutomountServiceAccountTokenRule extends DescribedRule implements ManifestRule {
    public AutomountServiceAccountTokenRule() {
        super("automount-service-account-token", Severity.WARNING,
                "A workload whose pods get a service account token mounted without saying they need it.");
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (ManifestObject o : objects) {
            JsonNode pod = PodSpecs.podSpec(o);
            if (pod == null) {
                continue;
            }
            String pointer = PodSpecs.podSpecPointer(o);
            JsonNode own = pod.get("automountServiceAccountToken");
            if (own != null && own.isBoolean() && !own.asBoolean()) {
                continue;
            }
            String account = pod.path("serviceAccountName").asText(pod.path("serviceAccount").asText(""));
            account = account.isBlank() ? "default" : account;
            boolean explicit = own != null && own.isBoolean();
            if (!explicit && accountOptsOut(account, o, objects, scope)) {
                continue;
            }
            findings.add(finding(o, pointer + (explicit ? "/automountServiceAccountToken" : ""), o.label()
                    + " mounts the API token of service account " + account + " into its pods"
                    + (explicit ? "" : " (neither the pod nor the account sets automountServiceAccountToken: false)"),
                    "set automountServiceAccountToken: false on the pod spec or the ServiceAccount; mount it only where the pods call the API server"));
        }
        return findings;
    }

    private static boolean accountOptsOut(String account, ManifestObject workload, List<ManifestObject> objects, ValidationScope scope) {
        for (ManifestObject sa : objects) {
            if ("ServiceAccount".equals(sa.kind()) && "".equals(sa.group()) && account.equals(sa.name())
                    && Workloads.sameNamespace(sa, workload, scope)) {
                JsonNode v = sa.at("/automountServiceAccountToken");
                return v.isBoolean() && !v.asBoolean();
            }
        }
        return false;
    }
}
