package dev.sluice.deploy;

/** A manifest document that is not in a release, where it is and why. */
public record SkippedDocument(String file, int line, String reason) {
}
