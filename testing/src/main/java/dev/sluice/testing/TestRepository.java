package dev.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real git repository on disk that a test writes commits into, then pushes through Sluice by its path. */
public final class TestRepository implements AutoCloseable {
    private final Path dir;
    private final Git git;

    private TestRepository(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    public static TestRepository create() {
        try {
            Path dir = Files.createTempDirectory("sluice-test-repo");
            Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
            git.getRepository().getConfig().setBoolean("uploadpack", null, "allowReachableSHA1InWant", true);
            git.getRepository().getConfig().setBoolean("uploadpack", null, "allowAnySHA1InWant", true);
            git.getRepository().getConfig().save();
            return new TestRepository(dir, git);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot create a test repository", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The URL to push: the repository's path on disk. */
    public String url() {
        return dir.toString();
    }

    /** Writes the files (path to content; null content deletes) and commits them; returns the commit id. */
    public String commit(String message, Map<String, String> files) {
        try {
            for (var e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                if (e.getValue() == null) {
                    Files.deleteIfExists(p);
                    git.rm().addFilepattern(e.getKey()).call();
                } else {
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
                    git.add().addFilepattern(e.getKey()).call();
                }
            }
            PersonIdent who = new PersonIdent("Sluice Test", "test@sluice.dev");
            RevCommit c = git.commit().setMessage(message).setAuthor(who).setCommitter(who).setAllowEmpty(true).call();
            return c.getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a folder's files (recursively) into the repository and commits them. */
    public String commitFolder(String message, Path folder) {
        try (var walk = Files.walk(folder)) {
            Map<String, String> files = new java.util.TreeMap<>();
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
            return commit(message, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String checkoutNewBranch(String name) {
        try {
            git.checkout().setCreateBranch(true).setName(name).call();
            return name;
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public String tag(String name) {
        try {
            git.tag().setName(name).call();
            return name;
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
