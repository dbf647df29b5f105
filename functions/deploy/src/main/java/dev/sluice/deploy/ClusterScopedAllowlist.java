package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The cluster-scoped kinds a release may hold ({@code sluice.deploy.cluster-scoped-allowlist}, entries
 * {@code Kind} or {@code group/Kind}, e.g. {@code Namespace,rbac.authorization.k8s.io/ClusterRole}). Anything
 * else outside a namespace reaches beyond the environment, so a release holding it is refused before anything
 * is applied. Empty by default.
 */
@ApplicationScoped
public class ClusterScopedAllowlist {
    @ConfigProperty(name = "sluice.deploy.cluster-scoped-allowlist")
    Optional<List<String>> allowed;

    @Inject
    ClusterObjects cluster;

    /**
     * The objects the release may not apply, each with why.
     */
    List<String> refusals(List<RenderedObject> objects, ClusterScope scope) {
        List<String> refused = new ArrayList<>();
        for (RenderedObject o : objects) {
            try {
                if (cluster.clusterScoped(o, scope) && !allows(o)) {
                    refused.add("cluster-scoped " + o.kind() + " " + o.name() + " is not in sluice.deploy.cluster-scoped-allowlist");
                }
            } catch (ClusterObjects.UnknownKind e) {
                refused.add(o.describe() + ": " + e.getMessage());
            }
        }
        return refused;
    }

    private boolean allows(RenderedObject o) {
        for (String entry : allowed.orElse(List.of())) {
            String e = entry.trim();
            if (e.equals(o.kind()) || e.equals(o.group() + "/" + o.kind()) || o.group().isEmpty() && e.equals("/" + o.kind())) {
                return true;
            }
        }
        return false;
    }
}
