package dev.sluice.route.orchestration;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.sluice.git.GitRepositories;
import dev.sluice.run.Run;

/**
 * Which of two pushes of one ref is newer, decided from the commits and not from the order the pushes arrived in:
 * a commit that descends from another is newer (git); failing that, a push whose {@code before} leads, through the
 * pushes of the ref, to the other's commit is newer (the ref's update order, which is all a force push leaves); failing
 * that, a commit the ref's tip in the repository still holds is newer than one it no longer holds. Only when none of
 * these tells does the caller fall back to arrival order.
 */
@ApplicationScoped
public class CommitOrder {
    private static final Logger LOG = Logger.getLogger(CommitOrder.class);

    /** A cache of its own: analyze fetches shallow into the shared one, and a shallow commit has no ancestors to walk. */
    static final String CACHE_AREA = "lineage";

    @Inject
    GitRepositories git;

    /** Off only for a route that must never reach git; then the update order and arrival decide alone. */
    @ConfigProperty(name = "sluice.route.commit-order.git", defaultValue = "true")
    boolean useGit;

    public enum Relation {
        /** the first commit is newer than the second */
        NEWER,
        /** the first commit is older than the second */
        OLDER,
        /** the same commit */
        SAME,
        /** nothing known orders them */
        UNKNOWN
    }

    /** A relation and the evidence for it, in words for a transition's reason. */
    public record Order(Relation relation, String evidence) {
        static final Order UNKNOWN = new Order(Relation.UNKNOWN, "nothing orders them");
    }

    /** The pushes of one ref, compared with each other; git is fetched at most once, and only if a comparison needs it. */
    public Lineage lineage(String repositoryUrl, String ref, List<Run> runs) {
        return new Lineage(repositoryUrl, ref, runs);
    }

    public final class Lineage {
        private final String repositoryUrl;
        private final String ref;
        /** after -> befores: each push says which commit the ref moved on from */
        private final Map<String, Set<String>> movedFrom = new HashMap<>();
        private Repository repo;
        private boolean gitTried;
        private String gitProblem;
        private String lastTip;

        Lineage(String repositoryUrl, String ref, List<Run> runs) {
            this.repositoryUrl = repositoryUrl;
            this.ref = ref;
            for (Run r : runs) {
                if (r.beforeSha != null && !r.beforeSha.equals(r.afterSha)) {
                    movedFrom.computeIfAbsent(r.afterSha, k -> new HashSet<>()).add(r.beforeSha);
                }
            }
        }

        /** How commit {@code a} stands to commit {@code b}. */
        public Order compare(String a, String b) {
            if (a.equals(b)) {
                return new Order(Relation.SAME, "the same commit");
            }
            if (movedOnFrom(a, b)) {
                return new Order(Relation.NEWER, "the ref's pushes moved it on from " + shortSha(b) + " to " + shortSha(a));
            }
            if (movedOnFrom(b, a)) {
                return new Order(Relation.OLDER, "the ref's pushes moved it on from " + shortSha(a) + " to " + shortSha(b));
            }
            Repository r = repository(a, b);
            if (r == null) {
                return Order.UNKNOWN;
            }
            // the cache's monitor: a fetch for another push of the repository must not change packs and refs mid-walk
            synchronized (r) {
                return byGit(r, a, b);
            }
        }

        private Order byGit(Repository r, String a, String b) {
            try (RevWalk walk = new RevWalk(r)) {
                var ca = walk.parseCommit(ObjectId.fromString(a));
                var cb = walk.parseCommit(ObjectId.fromString(b));
                if (walk.isMergedInto(cb, ca)) {
                    return new Order(Relation.NEWER, shortSha(a) + " descends from " + shortSha(b));
                }
                walk.reset();
                if (walk.isMergedInto(ca, cb)) {
                    return new Order(Relation.OLDER, shortSha(b) + " descends from " + shortSha(a));
                }
                Ref tip = r.exactRef(cachedRef());
                if (tip != null && tip.getObjectId() != null) {
                    var ct = walk.parseCommit(tip.getObjectId());
                    walk.reset();
                    boolean aHeld = walk.isMergedInto(ca, ct);
                    walk.reset();
                    boolean bHeld = walk.isMergedInto(cb, ct);
                    if (aHeld != bHeld) {
                        String held = aHeld ? a : b;
                        String gone = aHeld ? b : a;
                        return new Order(aHeld ? Relation.NEWER : Relation.OLDER, "the tip of " + ref + " in the repository holds "
                                + shortSha(held) + " and no longer " + shortSha(gone) + " (a forced push)");
                    }
                }
                return Order.UNKNOWN;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("cannot order %s and %s in %s by git: %s", a, b, repositoryUrl, e);
                return Order.UNKNOWN;
            }
        }

        /**
         * Whether the ref's tip, fetched now, holds {@code sha}: false when a forced push has moved the ref away from it
         * (a newer push of the ref exists, whether or not it has arrived); null when git cannot tell (no git, the ref is
         * gone, the repository unreachable). Fetched at most once per lineage.
         */
        public Boolean tipHoldsNow(String sha) {
            if (!useGit || !isSha(sha)) {
                return null;
            }
            try {
                Repository r = git.refreshed(repositoryUrl, CACHE_AREA);
                synchronized (r) {
                    Ref tip = r.exactRef(cachedRef());
                    if (tip == null || tip.getObjectId() == null || !GitRepositories.has(r, sha)) {
                        return null;
                    }
                    try (RevWalk walk = new RevWalk(r)) {
                        var tipCommit = walk.parseCommit(tip.getObjectId());
                        lastTip = tipCommit.name();
                        return walk.isMergedInto(walk.parseCommit(ObjectId.fromString(sha)), tipCommit);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.infof("cannot read the tip of %s in %s now: %s", ref, repositoryUrl, e.toString());
                return null;
            }
        }

        /** The tip {@link #tipHoldsNow} last read, for a reason. */
        public String lastTip() {
            return lastTip == null ? "?" : shortSha(lastTip);
        }

        /** The name the ref has in the cache (branches are fetched as remote-tracking refs, tags as they are). */
        private String cachedRef() {
            return ref.startsWith("refs/heads/") ? "refs/remotes/origin/" + ref.substring(11) : ref;
        }

        /** Whether the ref's pushes lead from {@code newer} back to {@code older}. */
        private boolean movedOnFrom(String newer, String older) {
            Set<String> seen = new HashSet<>();
            List<String> todo = new java.util.ArrayList<>(List.of(newer));
            while (!todo.isEmpty()) {
                String c = todo.remove(todo.size() - 1);
                if (!seen.add(c)) {
                    continue;
                }
                for (String before : movedFrom.getOrDefault(c, Set.of())) {
                    if (before.equals(older)) {
                        return true;
                    }
                    todo.add(before);
                }
            }
            return false;
        }

        /** The cache repository holding both commits, fetched once; null when git cannot tell (unreachable, unknown commit). */
        private Repository repository(String a, String b) {
            if (!useGit || !isSha(a) || !isSha(b)) {
                return null;
            }
            if (!gitTried) {
                gitTried = true;
                try {
                    repo = git.repositoryWith(repositoryUrl, a, CACHE_AREA);
                } catch (RuntimeException e) {
                    gitProblem = e.getMessage();
                    LOG.infof("commit order of %s %s without git: %s", repositoryUrl, ref, gitProblem);
                }
            }
            if (repo == null) {
                return null;
            }
            if (!GitRepositories.has(repo, b)) {
                try {
                    git.repositoryWith(repositoryUrl, b, CACHE_AREA);
                } catch (RuntimeException e) {
                    return null;
                }
            }
            return GitRepositories.has(repo, a) && GitRepositories.has(repo, b) ? repo : null;
        }
    }

    private static boolean isSha(String s) {
        return s != null && s.length() == 40 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static String shortSha(String sha) {
        return sha.substring(0, Math.min(7, sha.length()));
    }
}
