package dev.sluice.analyze;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.GitAccessException;

/**
 * analyze's side of the git cache: the same bare repository per URL that common's {@link GitRepositories} keeps
 * (same folder, same naming), fetched differently. common fetches every branch and tag when a commit is missing;
 * analyze fetches only the pushed ref, then the commit by id if the ref has moved on, and falls back to all
 * branches and tags only for a server that refuses both. The analysis reads two trees and no history, so the ref
 * and commit ids are fetched shallow (depth 1): a first push of a repository with a long history brings its tip's
 * objects, not every commit ever made. Git's negotiation sends only the objects the cache lacks.
 */
@ApplicationScoped
public class RepositoryCache {
    @ConfigProperty(name = "sluice.git.cache-dir", defaultValue = "${java.io.tmpdir}/sluice-git")
    String cacheDir;

    private final ConcurrentHashMap<String, Repository> open = new ConcurrentHashMap<>();

    /** How a commit got into the cache: {@code refspecs} fetched (none when it was there), objects received. */
    public record Fetch(boolean fetched, List<String> refspecs, long objectsReceived) {
        static final Fetch NONE = new Fetch(false, List.of(), 0);
    }

    /**
     * The cache, and how it got what it holds. {@code beforeFetchError} is set when {@code before} is missing because
     * fetching it failed (not because the remote does not have it): a whole-tree analysis made for that reason only
     * holds until the next try, so it is not cached.
     */
    public record Cached(Repository repository, Fetch fetch, String beforeFetchError) {
    }

    /** The cache for {@code url} holding {@code after} (and {@code before} when the remote still has it). */
    public Cached repositoryWith(String url, String ref, String after, String before) {
        Repository repo = open.computeIfAbsent(url, this::openCache);
        synchronized (repo) {
            List<String> done = new ArrayList<>();
            long received = 0;
            if (!GitRepositories.has(repo, after)) {
                received += fetch(repo, url, refSpec(ref), done, false, SHALLOW).received();
                if (!GitRepositories.has(repo, after)) {
                    received += fetch(repo, url, new RefSpec(after + ":refs/sluice/" + after), done, false, SHALLOW).received();
                }
                if (!GitRepositories.has(repo, after)) {
                    received += fetch(repo, url, new RefSpec("+refs/heads/*:refs/remotes/origin/*"), done, true, FULL).received();
                    received += fetch(repo, url, new RefSpec("+refs/tags/*:refs/tags/*"), done, true, FULL).received();
                }
                if (!GitRepositories.has(repo, after)) {
                    throw new GitAccessException("commit " + after + " is not in " + url, null);
                }
            }
            String beforeFetchError = null;
            if (before != null && !GitRepositories.has(repo, before)) {
                // A forced push may have removed the old commit from the remote: then there is no base, which is not an error.
                RefSpec byId = new RefSpec(before + ":refs/sluice/" + before);
                Attempt shallow = fetch(repo, url, byId, done, false, SHALLOW);
                received += shallow.received();
                if (!GitRepositories.has(repo, before) && shallow.failure() != null && !isMissingOnRemote(shallow.failure(), before)) {
                    // JGit's own server fails a shallow fetch of a missing id without saying so; a plain fetch gets the answer.
                    Attempt full = fetch(repo, url, byId, done, false, FULL);
                    received += full.received();
                    if (!GitRepositories.has(repo, before) && full.failure() != null && !isMissingOnRemote(full.failure(), before)) {
                        beforeFetchError = String.valueOf(full.failure().getMessage());
                    }
                }
            }
            return new Cached(repo, done.isEmpty() ? Fetch.NONE : new Fetch(true, List.copyOf(done), received), beforeFetchError);
        }
    }

    /** What a fetch brought: the objects received, or the failure that was let pass (null when it worked). */
    private record Attempt(long received, Exception failure) {
    }

    /** The remote answered that it does not have (or will not serve) the commit: its error names the id it refuses. */
    static boolean isMissingOnRemote(Throwable failure, String sha) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains(sha) || m.contains("not our ref")) {
                return true;
            }
        }
        return false;
    }

    private static RefSpec refSpec(String ref) {
        if (ref.startsWith("refs/heads/")) {
            return new RefSpec("+" + ref + ":refs/remotes/origin/" + ref.substring(11));
        }
        if (ref.startsWith("refs/tags/")) {
            return new RefSpec("+" + ref + ":" + ref);
        }
        return new RefSpec("+" + ref + ":refs/sluice/" + ref);
    }

    private static final int SHALLOW = 1;
    private static final int FULL = 0;

    /** Fetches one refspec ({@code depth} commits, 0 for all); returns the objects received (as the pack stream announced them). */
    private static Attempt fetch(Repository repo, String url, RefSpec spec, List<String> done, boolean mustWork, int depth) {
        ReceivedObjects received = new ReceivedObjects();
        try (Git git = new Git(repo)) {
            var fetch = git.fetch().setRemote(remoteUri(url)).setRefSpecs(spec).setProgressMonitor(received);
            if (depth > 0) {
                fetch.setDepth(depth);
            }
            fetch.call();
            done.add(depth > 0 ? spec + " (depth " + depth + ")" : spec.toString());
        } catch (GitAPIException | RuntimeException e) {
            if (mustWork || isUnreachable(e)) {
                throw new GitAccessException("cannot fetch " + url + ": " + e.getMessage(), e);
            }
            // A ref or commit the remote does not have, or a server that refuses a commit id: the next way is tried.
            return new Attempt(0, e);
        }
        return new Attempt(received.count, null);
    }

    /**
     * Reads the object count of JGit's "Receiving objects" task: what crossed the wire. (The pack written to disk
     * can hold more: a thin pack is completed with the delta bases the cache already had.)
     */
    private static final class ReceivedObjects implements ProgressMonitor {
        long count;

        @Override
        public void start(int totalTasks) {
        }

        @Override
        public void beginTask(String title, int totalWork) {
            if (title != null && title.startsWith(JGitText.get().receivingObjects) && totalWork > 0) {
                count += totalWork;
            }
        }

        @Override
        public void update(int completed) {
        }

        @Override
        public void endTask() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }

    private static boolean isUnreachable(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Invalid remote") || m.contains("Connection refused") || m.contains("UnknownHost")
                || m.contains("not authorized");
    }

    /** The cache folder for a URL: common's naming, so both sides share one cache. */
    Path cacheFolder(String url) {
        return Path.of(cacheDir).resolve(hash(url) + ".git");
    }

    private Repository openCache(String url) {
        try {
            Path dir = cacheFolder(url);
            if (!Files.exists(dir.resolve("HEAD"))) {
                Files.createDirectories(dir);
                Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
            }
            return Git.open(dir.toFile()).getRepository();
        } catch (IOException | GitAPIException e) {
            throw new GitAccessException("cannot open a cache for " + url + ": " + e.getMessage(), e);
        }
    }

    private static String remoteUri(String url) {
        return url.startsWith("/") ? new File(url).toURI().toString() : url;
    }

    static String hash(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        open.values().forEach(Repository::close);
    }
}
