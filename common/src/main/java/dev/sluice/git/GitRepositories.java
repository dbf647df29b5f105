package dev.sluice.git;

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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;

/**
 * Git access for the stage functions: one bare cache repository per repository URL under
 * {@code sluice.git.cache-dir}, fetched only when a needed commit is missing. Files are read at a commit
 * without a checkout. A local path or a file:// URL works as a repository URL, if {@link RepositoryAllowlist} allows it.
 */
@ApplicationScoped
public class GitRepositories {
    @ConfigProperty(name = "sluice.git.cache-dir", defaultValue = "${java.io.tmpdir}/sluice-git")
    String cacheDir;

    @Inject
    RepositoryAllowlist allowlist;

    private final ConcurrentHashMap<String, Repository> open = new ConcurrentHashMap<>();

    /** A commit that could not be had: the repository is unreachable or does not hold it. */
    public static class GitAccessException extends RuntimeException {
        public GitAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A repository URL the allowlist does not allow: nothing was fetched, and retrying will not change that. */
    public static class RepositoryNotAllowedException extends GitAccessException {
        public RepositoryNotAllowedException(String message) {
            super(message, null);
        }
    }

    /**
     * The cache repository for {@code url}, holding {@code sha} (fetched if missing).
     *
     * @throws RepositoryNotAllowedException before anything is opened or fetched, when {@link RepositoryAllowlist} refuses the URL
     */
    public Repository repositoryWith(String url, String sha) {
        return repositoryWith(url, sha, null);
    }

    /**
     * As {@link #repositoryWith(String, String)}, in a cache of its own under {@code area}: for a reader that walks
     * history (route's commit order), which the shallow fetches analyze makes into the shared cache would cut short.
     */
    public Repository repositoryWith(String url, String sha, String area) {
        Repository repo = allowedCache(url, area);
        synchronized (repo) {
            if (!has(repo, sha)) {
                fetch(repo, url, sha);
                if (!has(repo, sha)) {
                    throw new GitAccessException("commit " + sha + " is not in " + url, null);
                }
            }
        }
        return repo;
    }

    /**
     * The cache under {@code area} with its branches and tags fetched now, whatever it holds already: for a reader that
     * must know where a ref stands at this moment (route, before it deploys a commit whose order nothing else tells).
     */
    public Repository refreshed(String url, String area) {
        Repository repo = allowedCache(url, area);
        synchronized (repo) {
            fetch(repo, url, null);
        }
        return repo;
    }

    /** The open cache of {@code url} under {@code area}, once the allowlist lets the repository in. */
    private Repository allowedCache(String url, String area) {
        Optional<String> refused = allowlist.refusal(url);
        if (refused.isPresent()) {
            throw new RepositoryNotAllowedException(refused.get());
        }
        return open.computeIfAbsent(area == null ? url : area + " " + url, k -> openCache(url, area));
    }

    /** Where the cache repository of {@code url} lives (whether or not it was made yet). */
    public Path cacheFolder(String url) {
        return Path.of(cacheDir).resolve(hash(url) + ".git");
    }

    private Repository openCache(String url, String area) {
        try {
            Path dir = area == null ? cacheFolder(url) : Path.of(cacheDir).resolve(area).resolve(hash(url) + ".git");
            if (!Files.exists(dir.resolve("HEAD"))) {
                Files.createDirectories(dir);
                Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
            }
            return Git.open(dir.toFile()).getRepository();
        } catch (IOException | GitAPIException e) {
            throw new GitAccessException("cannot open a cache for " + url + ": " + e.getMessage(), e);
        }
    }

    private static void fetch(Repository repo, String url, String sha) {
        try (Git git = new Git(repo)) {
            git.fetch().setRemote(remoteUri(url))
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                    .call();
            if (sha != null && !has(repo, sha)) {
                // A commit no branch or tag holds any more (a forced push): ask for it by id.
                git.fetch().setRemote(remoteUri(url)).setRefSpecs(new RefSpec(sha + ":refs/sluice/" + sha)).call();
            }
        } catch (GitAPIException | RuntimeException e) {
            throw new GitAccessException("cannot fetch " + url + ": " + e.getMessage(), e);
        }
    }

    static String remoteUri(String url) {
        if (url.startsWith("/")) {
            return new File(url).toURI().toString();
        }
        return url;
    }

    public static boolean has(Repository repo, String sha) {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(ObjectId.fromString(sha));
            return true;
        } catch (MissingObjectException e) {
            return false;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    public static RevCommit commit(Repository repo, String sha) {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(ObjectId.fromString(sha));
        } catch (IOException e) {
            throw new GitAccessException("cannot read commit " + sha + ": " + e.getMessage(), e);
        }
    }

    /** A file larger than its reader takes; its size was read from git, its content never loaded. */
    public static class FileTooLargeException extends RuntimeException {
        private final String path;
        private final long size;

        public FileTooLargeException(String path, long size, String limit) {
            super(path + " is " + size + " bytes, more than " + limit);
            this.path = path;
            this.size = size;
        }

        public String path() {
            return path;
        }

        public long size() {
            return size;
        }
    }

    /**
     * The file at {@code path} in {@code sha}, if the commit has it. A file JGit would not load into memory at
     * once (over {@code core.streamFileThreshold}, 50 MiB by default) throws FileTooLargeException.
     */
    public static Optional<byte[]> readFile(Repository repo, String sha, String path) {
        return read(repo, sha, path, -1);
    }

    /** The file at {@code path} in {@code sha}, if the commit has it; over {@code maxBytes} it throws FileTooLargeException unread. */
    public static Optional<byte[]> readFile(Repository repo, String sha, String path, int maxBytes) {
        return read(repo, sha, path, maxBytes);
    }

    private static Optional<byte[]> read(Repository repo, String sha, String path, int maxBytes) {
        RevCommit c = commit(repo, sha);
        try (TreeWalk walk = TreeWalk.forPath(repo, path, c.getTree())) {
            if (walk == null || walk.isSubtree()) {
                return Optional.empty();
            }
            ObjectLoader loader = repo.open(walk.getObjectId(0));
            // the size is in the object's header: a large blob is refused before any of it is inflated
            if (maxBytes >= 0 && loader.getSize() > maxBytes) {
                throw new FileTooLargeException(path, loader.getSize(), maxBytes + " bytes");
            }
            try {
                return Optional.of(maxBytes >= 0 ? loader.getBytes(maxBytes) : loader.getBytes());
            } catch (LargeObjectException e) {
                throw new FileTooLargeException(path, loader.getSize(), "git loads into memory at once");
            }
        } catch (IOException e) {
            throw new GitAccessException("cannot read " + path + " at " + sha + ": " + e.getMessage(), e);
        }
    }

    /** Every file path in {@code sha}, in tree order. */
    public static List<String> listFiles(Repository repo, String sha) {
        RevCommit c = commit(repo, sha);
        List<String> paths = new ArrayList<>();
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(c.getTree());
            walk.setRecursive(true);
            while (walk.next()) {
                paths.add(walk.getPathString());
            }
        } catch (IOException e) {
            throw new GitAccessException("cannot list files at " + sha + ": " + e.getMessage(), e);
        }
        return paths;
    }

    /** A {@code .sluice.yaml} larger than this is refused unread: settings are a few hundred bytes. */
    public static final int LARGEST_SETTINGS_FILE = 1 << 20;

    /** The repository's {@code .sluice.yaml} at a commit, or the defaults; a bad or oversized file throws SettingsException. */
    public static SluiceSettings settings(Repository repo, String sha) {
        try {
            return readFile(repo, sha, SluiceSettings.FILE, LARGEST_SETTINGS_FILE)
                    .map(b -> SluiceSettings.parse(new String(b, StandardCharsets.UTF_8)))
                    .orElseGet(SluiceSettings::defaults);
        } catch (FileTooLargeException e) {
            throw new SettingsException(SluiceSettings.FILE + " is too large: " + e.getMessage(), e);
        }
    }

    private static String hash(String url) {
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
