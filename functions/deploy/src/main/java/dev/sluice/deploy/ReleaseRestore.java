package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.sluice.deploy.ReleasePlan.Action;

/**
 * Puts an environment back on its last verified release after a failed one: each Knative Service the failed
 * release canaried gets all its traffic back on the previous revision in one update, and when the failed release
 * changed anything else, the previous release's objects are applied again, rendered afresh from its commit (the
 * ledger keeps Secret values only as digests).
 */
@ApplicationScoped
public class ReleaseRestore {
    @Inject
    ClusterObjects cluster;
    @Inject
    ReleaseSource source;

    /**
     * @return what was done, for the failed release's reason
     * @throws dev.sluice.git.GitRepositories.GitAccessException when the previous release's commit cannot be read; the
     *         traffic is back by then
     */
    String restore(Release failed, Release previous) {
        return done(trafficBack(failed), reapplyChanged(failed, previous));
    }

    /** "all traffic back: ...; re-applied release ...", from the two halves of a restore. */
    static String done(String trafficBack, String reapplied) {
        List<String> done = new ArrayList<>();
        if (!trafficBack.isEmpty()) {
            done.add(trafficBack);
        }
        if (!reapplied.isEmpty()) {
            done.add(reapplied);
        }
        return done.isEmpty() ? "nothing needed undoing" : String.join("; ", done);
    }

    /**
     * Applies the previous release's objects again when the failed release changed anything besides Knative Services.
     *
     * @return what was re-applied, or empty when nothing needed it
     * @throws dev.sluice.git.GitRepositories.GitAccessException when the previous release's commit cannot be read
     */
    String reapplyChanged(Release failed, Release previous) {
        boolean othersChanged = failed.releasePlan().objects().stream()
                .anyMatch(p -> p.action() != Action.UNCHANGED
                        && !(KnativeRevisions.GROUP.equals(RenderedObject.groupOf(p.apiVersion())) && "Service".equals(p.kind())));
        if (!othersChanged) {
            return "";
        }
        int n = reapply(previous, true);
        return "re-applied release " + previous.id + " (" + n + " object" + (n == 1 ? "" : "s") + ")";
    }

    /** Sends all traffic of every Service the release canaried back to the revision that served before. */
    String trafficBack(Release release) {
        List<String> moved = new ArrayList<>();
        for (ServiceRevision r : release.serviceRevisions()) {
            if (r.canaried()) {
                cluster.setTraffic(r.namespace(), r.service(), CanaryTraffic.all(r.previous()));
                moved.add(r.service() + " to " + r.previous());
            }
        }
        return moved.isEmpty() ? "" : "all traffic back: " + String.join(", ", moved);
    }

    /**
     * Applies a release's objects again, rendered from its commit with its own labels.
     *
     * @param skipKnativeServices leave Knative Services alone: their traffic says which revision serves, and
     *        re-applying an old template would make Knative build a revision again
     * @return how many objects were applied
     */
    int reapply(Release release, boolean skipKnativeServices) {
        ReleaseSource.Commit commit = source.read(release.repositoryUrl, release.sha);
        EnvironmentRendering.Rendered rendered = EnvironmentRendering.render(commit.documents(), release.project, release.namespace, release.id,
                release.runId);
        int n = 0;
        for (RenderedObject o : rendered.objects()) {
            if (skipKnativeServices && KnativeRevisions.isKnativeService(o)) {
                continue;
            }
            cluster.apply(o.object(), rendered.scope());
            n++;
        }
        return n;
    }
}
