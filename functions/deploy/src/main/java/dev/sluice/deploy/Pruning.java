package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.sluice.deploy.ReleasePlan.ObjectRef;

/**
 * Deletes the objects earlier releases applied that the release now in force dropped, when the environment opts
 * in ({@code prune: true}). Only objects that still carry Sluice's managed-by label are deleted: one someone else
 * took over (or relabelled) stays. Runs once a release is verified, or restored, never before: until then the
 * old objects are what a rollback returns to.
 */
@ApplicationScoped
public class Pruning {
    private static final Logger LOG = Logger.getLogger(Pruning.class);

    @Inject
    ClusterObjects cluster;

    /**
     * @param before the objects of the releases being replaced
     * @param now the objects of the release in force
     * @return the objects deleted
     */
    List<ObjectRef> prune(Collection<RenderedObject> before, List<RenderedObject> now, ClusterScope scope) {
        Set<String> kept = new HashSet<>();
        now.forEach(o -> kept.add(o.key()));
        Set<String> seen = new HashSet<>();
        List<ObjectRef> deleted = new ArrayList<>();
        for (RenderedObject o : before) {
            if (kept.contains(o.key()) || !seen.add(o.key())) {
                continue;
            }
            try {
                HasMetadata live = cluster.get(o.apiVersion(), o.kind(), o.namespace(), o.name(), scope).orElse(null);
                Map<String, String> labels = live == null ? null : live.getMetadata().getLabels();
                if (labels == null || !ReleaseLabels.SLUICE.equals(labels.get(ReleaseLabels.MANAGED_BY))) {
                    continue;
                }
                cluster.delete(o.apiVersion(), o.kind(), o.namespace(), o.name(), scope);
                deleted.add(new ObjectRef(o.apiVersion(), o.kind(), o.namespace(), o.name()));
            } catch (ClusterObjects.UnknownKind e) {
                LOG.warnf("not pruning %s: %s", o.describe(), e.getMessage());
            }
        }
        return deleted;
    }
}
