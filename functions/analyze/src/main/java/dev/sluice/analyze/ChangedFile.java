package dev.sluice.analyze;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.analyze.imports.ImportScan;
import dev.sluice.analyze.lines.Language;

/**
 * One file of a change. {@code path} is the new path (the old one for a deletion); {@code oldPath} is set
 * only for renames and copies. Binary files, and text files above {@link ChangeReader#LARGEST_TEXT_FILE},
 * have no line counts. {@code language} is cloc's name for it (null when not counted); {@code kind} says
 * whether it is a test, vendored or generated (those weigh less) or ordinary ({@code source}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChangedFile(String path, String oldPath, String changeType, int added, int removed, boolean binary,
        String language, String kind, Boolean kubernetes) {

    public ChangedFile(String path, String oldPath, String changeType, int added, int removed, boolean binary) {
        this(path, oldPath, changeType, added, removed, binary, null, null, null);
    }

    public int changedLines() {
        return added + removed;
    }

    public boolean weighsLess() {
        return FileKind.VENDORED.id.equals(kind) || FileKind.GENERATED.id.equals(kind);
    }

    @JsonIgnore
    public boolean isTest() {
        return FileKind.TEST.id.equals(kind);
    }

    /** Code in a programming language (not data, docs or build config), which tests are expected to cover. */
    @JsonIgnore
    public boolean isCode() {
        Language l = language == null ? ImportScan.graphLanguage(path) : Language.ofLabel(language);
        return l != null && l.isProgramming() && FileKind.SOURCE.id.equals(kind);
    }
}
