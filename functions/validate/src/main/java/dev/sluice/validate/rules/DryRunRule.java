package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * When a cluster is configured ({@code sluice.validate.dry-run.enabled=true} and the Quarkus Kubernetes client's
 * usual configuration: in-cluster service account, kubeconfig or {@code quarkus.kubernetes-client.*}), every
 * object goes through a server-side apply with {@code dryRun=All}: admission webhooks, CRD schemas, quotas and
 * immutable fields all speak, and nothing is persisted. Each refusal is a finding. Without a configured cluster
 * no client is created and the rule is inactive.
 */
@ApplicationScoped
public class DryRunRule implements ManifestRule {
    public static final String ID = "dry-run";
    static final String FIELD_MANAGER = "sluice";

    @ConfigProperty(name = "sluice.validate.dry-run.enabled", defaultValue = "false")
    boolean enabled;

    @Inject
    Instance<KubernetesClient> clients;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "An object the configured cluster refuses in a server-side dry-run (dryRun=All).";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public Category category() {
        return Category.DRY_RUN;
    }

    @Override
    public boolean active() {
        return enabled;
    }

    /** What the report says about the dry-run. */
    public String status() {
        return enabled ? "server-side dry-run (dryRun=All) against " + clients.get().getMasterUrl()
                : "not configured (sluice.validate.dry-run.enabled=false)";
    }

    @Override
    public List<ManifestFinding> check(List<ManifestObject> objects, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        if (!enabled) {
            return findings;
        }
        KubernetesClient client = clients.get();
        Set<String> definedNamespaces = new HashSet<>();
        objects.stream().filter(o -> "Namespace".equals(o.kind())).forEach(o -> definedNamespaces.add(o.name()));
        for (ManifestObject o : objects) {
            String namespace = Kinds.namespace(o, scope);
            try {
                GenericKubernetesResource resource = client.getKubernetesSerialization()
                        .convertValue(o.content(), GenericKubernetesResource.class);
                var target = namespace == null ? client.resource(resource) : client.resource(resource).inNamespace(namespace);
                target.dryRun().fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                int code = e.getCode();
                if (code == 404 && namespace != null && definedNamespaces.contains(namespace)) {
                    continue; // its Namespace is in the same manifests: a dry-run cannot create it first
                }
                if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 429) {
                    findings.add(finding(o, refusal(o, e), "fix what the cluster names; it is what a real apply would refuse"));
                } else {
                    // unreachable, unauthorised or failing: say so once instead of once per object
                    String what = code <= 0 ? "the dry-run could not reach the cluster at " + client.getMasterUrl() + ": "
                            : "the dry-run could not run against the cluster (HTTP " + code + "): ";
                    findings.add(new ManifestFinding(ID, Severity.WARNING, Category.DRY_RUN, o.kind(), o.namespace(), o.name(),
                            o.file(), o.line(), null, what + rootMessage(e), "check the cluster configuration of the validate function"));
                    break;
                }
            }
        }
        return findings;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? String.valueOf(e.getMessage()) : root.getMessage();
    }

    private static String refusal(ManifestObject o, KubernetesClientException e) {
        Status status = e.getStatus();
        StringBuilder text = new StringBuilder(o.label()).append(": the cluster refuses it");
        if (status != null && status.getMessage() != null) {
            text.append(": ").append(status.getMessage());
        } else {
            text.append(" (HTTP ").append(e.getCode()).append(")");
        }
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                if (cause.getField() != null && (status.getMessage() == null || !status.getMessage().contains(cause.getField()))) {
                    text.append("; ").append(cause.getField()).append(": ").append(cause.getMessage());
                }
            }
        }
        return text.toString();
    }
}
