package dev.sluice.validate;

/**
 * One thing validation found, pinned to the file and line it comes from. {@code kind}, {@code namespace} and
 * {@code name} are null when the finding is not about one object (a file that does not parse, no manifests).
 */
public record ManifestFinding(String ruleId, Severity severity, String kind, String namespace, String name,
        String file, int line, String message, String remediation) {

    /** "file:line: message", the form route puts into a failed run's reason. */
    public String located() {
        return file == null ? message : file + ":" + line + ": " + message;
    }
}
