package dev.sluice.analyze;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One file of a change. {@code path} is the new path (the old one for a deletion); {@code oldPath} is set
 * only for renames and copies. Binary files, and text files above {@link ChangeReader#LARGEST_TEXT_FILE},
 * have no line counts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChangedFile(String path, String oldPath, String changeType, int added, int removed, boolean binary) {

    public int changedLines() {
        return added + removed;
    }
}
