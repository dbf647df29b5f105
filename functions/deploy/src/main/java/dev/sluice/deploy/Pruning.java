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

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Deletes the objects earlier releases applied that the release now in force dropped, when the environment opts
 * in ({@code prune: true}). Only objects that still carry Sluice's managed-by label are deleted: one someone else
 * took over (or relabelled) stays, and so does one another project (sharing the namespace) applied since. Runs once a release is verified, or restored, never before: until then the
 * old objects are what a rollback returns to. A deletion the cluster refuses (403, a finalizer's webhook...) is
 * recorded with the cluster's answer and left in place: it never undoes the verification, and it is not tried
 * again.
 */
@ApplicationScoped
public class Pruning {
    private static final Logger LOG = Logger.getLogger(Pruning.class);

    @Inject
    ClusterObjects cluster;

    /** One object pruning dealt with: deleted ({@code error} null), or left in place with why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pruned(String apiVersion, String kind, String namespace, String name, String error) {
        boolean deleted() {
            return error == null;
        }

        String describe() {
            return kind + " " + name;
        }
    }

    /** What a prune did, for the release's reason and health. */
    record Result(List<Pruned> objects) {
        boolean failed() {
            return objects.stream().anyMatch(p -> !p.deleted());
        }

        /** "pruned [ConfigMap b]; pruning failed: ConfigMap c: 403 ...", or empty when there was nothing to prune. */
        String summary() {
            List<String> parts = new ArrayList<>();
            List<String> deleted = objects.stream().filter(Pruned::deleted).map(Pruned::describe).toList();
            if (!deleted.isEmpty()) {
                parts.add("pruned " + deleted);
            }
            List<String> failed = objects.stream().filter(p -> !p.deleted()).map(p -> p.describe() + ": " + p.error()).toList();
            if (!failed.isEmpty()) {
                parts.add("pruning failed, left in place: " + String.join("; ", failed));
            }
            return String.join("; ", parts);
        }
    }

    /**
     * @param before the objects of the releases being replaced
     * @param now the objects of the release in force
     * @param project the project whose environment it is
     * @return every object deleted or that could not be
     */
    Result prune(Collection<RenderedObject> before, List<RenderedObject> now, ClusterScope scope, String project) {
        Set<String> kept = new HashSet<>();
        now.forEach(o -> kept.add(o.key()));
        Set<String> seen = new HashSet<>();
        List<Pruned> done = new ArrayList<>();
        String unreachable = null;
        for (RenderedObject o : before) {
            if (kept.contains(o.key()) || !seen.add(o.key())) {
                continue;
            }
            if (unreachable != null) {
                // Each call to a cluster that stopped answering would wait out its timeout and retries again.
                done.add(pruned(o, "not tried: " + unreachable));
                continue;
            }
            try {
                HasMetadata live = cluster.get(o.apiVersion(), o.kind(), o.namespace(), o.name(), scope).orElse(null);
                Map<String, String> labels = live == null ? null : live.getMetadata().getLabels();
                if (labels == null || !ReleaseLabels.SLUICE.equals(labels.get(ReleaseLabels.MANAGED_BY))) {
                    continue;
                }
                Map<String, String> annotations = live.getMetadata().getAnnotations();
                String owner = annotations == null ? null : annotations.get(ReleaseLabels.PROJECT);
                if (owner != null && !owner.equals(project)) {
                    continue;
                }
                cluster.delete(o.apiVersion(), o.kind(), o.namespace(), o.name(), scope);
                done.add(pruned(o, null));
            } catch (ClusterObjects.UnknownKind e) {
                LOG.warnf("not pruning %s: %s", o.describe(), e.getMessage());
                done.add(pruned(o, e.getMessage()));
            } catch (KubernetesClientException e) {
                String message = ClusterObjects.message(e);
                LOG.warnf("cannot prune %s: %s", o.describe(), message);
                done.add(pruned(o, message));
                if (ClusterObjects.isTransient(e)) {
                    unreachable = "the cluster did not answer (" + message + ")";
                }
            }
        }
        return new Result(List.copyOf(done));
    }

    private static Pruned pruned(RenderedObject o, String error) {
        return new Pruned(o.apiVersion(), o.kind(), o.namespace(), o.name(), error == null ? null : Release.clip(error));
    }
}
