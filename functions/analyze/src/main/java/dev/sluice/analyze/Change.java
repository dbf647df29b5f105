package dev.sluice.analyze;

import java.util.List;

/**
 * What a push changed between {@code base} and {@code head}. When there is no usable base (a first push, or
 * an old commit that is gone), {@code base} is null, {@code wholeTree} is true and {@code wholeTreeReason}
 * says why: every file of {@code head} counts as added. {@code addedLines} holds only the added lines the content
 * rules read (a secret keyword, the allow marker or a conflict marker in them): the counts are in {@code files}.
 */
public record Change(String base, String head, boolean wholeTree, String wholeTreeReason, List<ChangedFile> files,
        List<AddedLine> addedLines) {

    public int linesAdded() {
        return files.stream().mapToInt(ChangedFile::added).sum();
    }

    public int linesRemoved() {
        return files.stream().mapToInt(ChangedFile::removed).sum();
    }

    public int changedLines() {
        return linesAdded() + linesRemoved();
    }

    public long binaryFiles() {
        return files.stream().filter(ChangedFile::binary).count();
    }
}
