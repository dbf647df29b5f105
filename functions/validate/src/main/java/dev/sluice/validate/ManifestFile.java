package dev.sluice.validate;

import java.util.List;

import dev.sluice.manifest.ManifestDocument;
import dev.sluice.manifest.ManifestSet;

/** One manifest file at a commit: its documents (read by common's ManifestSet) and the lines of their fields. */
public record ManifestFile(String path, List<ManifestDocument> documents, SourcePositions positions) {

    public static ManifestFile of(String path, byte[] bytes) {
        return new ManifestFile(path, ManifestSet.parse(path, bytes), new SourcePositions(bytes));
    }
}
