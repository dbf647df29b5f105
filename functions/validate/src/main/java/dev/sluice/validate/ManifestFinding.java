package dev.sluice.validate;

/**
 * One thing validation found, pinned to the file and line it comes from. {@code kind}, {@code namespace} and
 * {@code name} are null when the finding is not about one object (a file that does not parse, no manifests);
 * {@code path} is the offending field ("spec.template.spec.containers[0].image"), null for the whole object.
 */
public record ManifestFinding(String ruleId, Severity severity, Category category, String kind, String namespace,
        String name, String file, int line, String path, String message, String remediation) {

    /** "file:line: message", the form route puts into a failed run's reason. */
    public String located() {
        return file == null ? message : file + ":" + line + ": " + message;
    }

    public ManifestFinding withSeverity(Severity s) {
        return new ManifestFinding(ruleId, s, category, kind, namespace, name, file, line, path, message, remediation);
    }
}
