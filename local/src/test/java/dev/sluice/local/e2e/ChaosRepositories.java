package dev.sluice.local.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import dev.sluice.testing.TestRepository;

/**
 * The chaos test's git side: real repositories, each with branches mapped to environments of their own by its
 * {@code .sluice.yaml}, and a chain of pushes per branch (now and then a force push). Commits are written straight
 * into the object database (no working tree), so a thousand of them take seconds.
 */
final class ChaosRepositories implements AutoCloseable {
    static final String ZERO = "0".repeat(40);
    static final List<String> BRANCHES = List.of("main", "dev", "qa", "demo");

    /** One push of a branch: {@code index} is its place in the branch's ref updates (0 = the branch's creation). */
    record Push(String eventId, Repo repo, String branch, int index, String before, String after, boolean forced) {
        String ref() {
            return "refs/heads/" + branch;
        }

        String environment() {
            return repo.environment(branch);
        }

        String json() {
            return "{\"repository\":{\"url\":\"" + repo.url() + "\",\"name\":\"" + repo.name + "\"},\"ref\":\"" + ref()
                    + "\",\"before\":\"" + before + "\",\"after\":\"" + after + "\",\"forced\":" + forced
                    + ",\"commits\":[],\"pusher\":\"chaos\"}";
        }

        @Override
        public String toString() {
            return repo.name + " " + branch + "#" + index + " " + after.substring(0, 10) + (forced ? " (forced)" : "");
        }
    }

    /** A repository under test: its pushes per branch, in the order the ref moved. */
    static final class Repo {
        final String name;
        final TestRepository disk;
        final Repository git;
        final Map<String, List<Push>> pushes = new LinkedHashMap<>();

        Repo(String name, TestRepository disk, Repository git) {
            this.name = name;
            this.disk = disk;
            this.git = git;
        }

        String url() {
            return disk.url();
        }

        /** Environment names are distinct per repository and branch, so no two repositories share one. */
        String environment(String branch) {
            return name + "-" + branch;
        }

        String tip(String branch) {
            List<Push> p = pushes.get(branch);
            return p.get(p.size() - 1).after();
        }

        /** Whether {@code ancestor} is reachable from {@code descendant} (a commit is its own ancestor). */
        boolean isAncestor(String ancestor, String descendant) {
            try (RevWalk walk = new RevWalk(git)) {
                return walk.isMergedInto(walk.parseCommit(ObjectId.fromString(ancestor)),
                        walk.parseCommit(ObjectId.fromString(descendant)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    final List<Repo> repos = new ArrayList<>();
    final Map<String, Repo> byUrl = new HashMap<>();
    int forcePushes;

    /**
     * Makes {@code repositories} repositories with {@link #BRANCHES} each and {@code pushes} pushes spread over the
     * branches; about {@code forceShare} of the pushes after a branch's second rewrite its last commit.
     */
    static ChaosRepositories create(Path example, int repositories, int pushes, double forceShare, Random random, String runTag) {
        ChaosRepositories all = new ChaosRepositories();
        int branchCount = repositories * BRANCHES.size();
        int n = 0;
        for (int r = 0; r < repositories; r++) {
            TestRepository disk = TestRepository.create();
            Repository git;
            try {
                git = new FileRepositoryBuilder().setGitDir(disk.dir().resolve(".git").toFile()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Repo repo = new Repo(String.format("chaos%s-r%02d", runTag, r), disk, git);
            all.repos.add(repo);
            all.byUrl.put(repo.url(), repo);
            Map<String, String> root = readFolder(example);
            root.put(".sluice.yaml", settings(repo));
            try (ObjectInserter ins = git.newObjectInserter()) {
                long time = 1_700_000_000L;
                ObjectId rootCommit = commit(ins, root, List.of(), "the example", time++);
                for (String branch : BRANCHES) {
                    int count = pushes / branchCount + (n++ < pushes % branchCount ? 1 : 0);
                    List<Push> chain = new ArrayList<>();
                    ObjectId tip = rootCommit;
                    Map<String, String> tipFiles = root;
                    ObjectId base = null;
                    Map<String, String> baseFiles = null;
                    for (int i = 0; i < count; i++) {
                        // a force push rewrites the branch's last commit: the new one does not descend from the old tip
                        boolean forced = i >= 2 && random.nextDouble() < forceShare;
                        if (forced) {
                            all.forcePushes++;
                        } else {
                            base = tip;
                            baseFiles = tipFiles;
                        }
                        Map<String, String> files = new TreeMap<>(baseFiles);
                        files.put("src/changes.py", files.getOrDefault("src/changes.py", "") + "CHANGE_" + branch.toUpperCase() + "_"
                                + i + " = " + (forced ? "'rewritten'" : i) + "\n");
                        tip = commit(ins, files, List.of(base), branch + " change " + i + (forced ? " (rewritten)" : ""), time++);
                        tipFiles = files;
                        chain.add(new Push("chaos-" + runTag + "-" + repo.name + "-" + branch + "-" + i, repo, branch, i,
                                i == 0 ? ZERO : chain.get(i - 1).after(), tip.name(), forced));
                    }
                    repo.pushes.put(branch, chain);
                }
                ins.flush();
                for (String branch : BRANCHES) {
                    RefUpdate u = git.updateRef(Constants.R_HEADS + branch);
                    u.setNewObjectId(ObjectId.fromString(repo.tip(branch)));
                    u.setForceUpdate(true);
                    u.update();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    List<Push> allPushes() {
        List<Push> out = new ArrayList<>();
        repos.forEach(r -> r.pushes.values().forEach(out::addAll));
        return out;
    }

    /** Every branch maps to an environment of its own, deployed directly and without a person (plan mode). */
    private static String settings(Repo repo) {
        StringBuilder y = new StringBuilder("environments:\n");
        for (String b : BRANCHES) {
            y.append("  - name: ").append(repo.environment(b)).append('\n')
                    .append("    branch: ").append(b).append('\n')
                    .append("    namespace: ").append(repo.environment(b)).append('\n')
                    .append("    strategy: direct\n")
                    .append("    approval: auto\n");
        }
        // every commit must pass the gates, so that the tip of each branch must end deployed
        return y.append("manifests: [k8s/]\nrisk: { approveBelow: 101, rejectAbove: 101 }\n").toString();
    }

    private static ObjectId commit(ObjectInserter ins, Map<String, String> files, List<ObjectId> parents, String message, long time)
            throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (var f : files.entrySet()) {
            DirCacheEntry e = new DirCacheEntry(f.getKey());
            e.setFileMode(FileMode.REGULAR_FILE);
            e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8)));
            builder.add(e);
        }
        builder.finish();
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(index.writeTree(ins));
        c.setParentIds(parents);
        PersonIdent who = new PersonIdent("Sluice Chaos", "chaos@sluice.dev", time * 1000, 0);
        c.setAuthor(who);
        c.setCommitter(who);
        c.setMessage(message);
        return ins.insert(c);
    }

    private static Map<String, String> readFolder(Path folder) {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Override
    public void close() {
        for (Repo r : repos) {
            r.git.close();
            r.disk.close();
        }
    }
}
