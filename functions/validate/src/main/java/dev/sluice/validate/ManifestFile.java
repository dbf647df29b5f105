package dev.sluice.validate;

import java.util.List;

import org.eclipse.jgit.lib.Repository;

import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.FileTooLargeException;
import dev.sluice.manifest.ManifestDocument;
import dev.sluice.manifest.ManifestSet;

/** One manifest file at a commit: its documents (read by common's ManifestSet) and the lines of their fields. */
public record ManifestFile(String path, List<ManifestDocument> documents, SourcePositions positions) {

    public static ManifestFile of(String path, byte[] bytes) {
        if (ManifestSet.isJson(path)) {
            return new ManifestFile(path, ManifestSet.parse(path, bytes), new SourcePositions(bytes));
        }
        SourcePositions positions = SourcePositions.recording();
        return new ManifestFile(path, ManifestSet.parse(path, bytes, positions::record), positions);
    }

    /** The file at a commit; one over ManifestSet's size limit is never loaded, its one document says so. */
    public static ManifestFile read(Repository repo, String sha, String path) {
        try {
            return of(path, GitRepositories.readFile(repo, sha, path, ManifestSet.MAX_FILE_BYTES).orElse(new byte[0]));
        } catch (FileTooLargeException e) {
            return new ManifestFile(path, List.of(ManifestSet.tooLarge(path, e.size())), new SourcePositions(null));
        }
    }
}
