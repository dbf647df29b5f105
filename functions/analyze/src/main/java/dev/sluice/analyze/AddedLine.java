package dev.sluice.analyze;

/** A line the change adds, with its 1-based line number in the new file: what the content rules read. */
public record AddedLine(String file, int line, String text) {
}
