package dev.sluice.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sluice.settings.SluiceSettings;

/**
 * The report as SARIF 2.1.0, so findings show up in GitHub code scanning (upload with
 * {@code github/codeql-action/upload-sarif}). Stored next to the report as stage "validation-sarif"; route serves
 * it at {@code GET /runs/{id}/validation?format=sarif}. Waived findings are results with an in-source suppression
 * carrying the annotation's reason. Every result has a location: a finding about no file is located at
 * {@code .sluice.yaml}.
 */
public final class SarifReport {
    public static final String STAGE = "validation-sarif";
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SETTINGS_FILE = SluiceSettings.FILE;

    private SarifReport() {
    }

    public static ObjectNode of(ValidationReport report, Map<String, ManifestValidator.RuleDescription> catalogue) {
        ObjectNode sarif = NODES.objectNode();
        sarif.put("$schema", SCHEMA);
        sarif.put("version", "2.1.0");
        ObjectNode run = sarif.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "sluice-validate");
        driver.put("informationUri", "https://sluice.dev/validate");
        ArrayNode rules = driver.putArray("rules");
        List<String> ids = new ArrayList<>(catalogue.keySet());
        for (ManifestValidator.RuleDescription r : catalogue.values()) {
            ObjectNode rule = rules.addObject();
            rule.put("id", r.id());
            rule.putObject("shortDescription").put("text", r.description());
            rule.putObject("defaultConfiguration").put("level", level(r.severity()));
            rule.putObject("properties").put("category", r.category().label());
        }
        run.putObject("automationDetails").put("id", "sluice/validation/" + report.runId() + "/" + report.attempt());
        if (report.repositoryUrl() != null && report.repositoryUrl().matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            ObjectNode vcs = run.putArray("versionControlProvenance").addObject();
            vcs.put("repositoryUri", report.repositoryUrl());
            vcs.put("revisionId", report.sha());
        }
        ArrayNode results = run.putArray("results");
        for (ManifestFinding f : report.findings()) {
            result(results, f, ids, null);
        }
        for (InlineIgnores.Suppressed s : report.suppressed()) {
            result(results, s.finding(), ids, s.reason());
        }
        run.putArray("invocations").addObject().put("executionSuccessful", true);
        return sarif;
    }

    private static void result(ArrayNode results, ManifestFinding f, List<String> ids, String suppressedBecause) {
        ObjectNode r = results.addObject();
        r.put("ruleId", f.ruleId());
        int index = ids.indexOf(f.ruleId());
        if (index >= 0) {
            r.put("ruleIndex", index);
        }
        r.put("level", level(f.severity()));
        r.putObject("message").put("text", f.message() + (f.remediation() == null ? "" : ". Fix: " + f.remediation()));
        // GitHub code scanning refuses a result without a location: one not about a file (no-manifests) is put
        // on .sluice.yaml, where the manifest paths are set, with no region
        ObjectNode location = r.putArray("locations").addObject();
        ObjectNode physical = location.putObject("physicalLocation");
        physical.putObject("artifactLocation").put("uri", f.file() != null ? f.file() : SETTINGS_FILE);
        if (f.file() != null && f.line() > 0) {
            physical.putObject("region").put("startLine", f.line());
        }
        if (f.kind() != null && f.name() != null) {
            location.putArray("logicalLocations").addObject()
                    .put("name", f.name())
                    .put("fullyQualifiedName", f.kind() + "/" + (f.namespace() == null ? "" : f.namespace() + "/") + f.name() + (f.path() == null ? "" : "#" + f.path()))
                    .put("kind", "resource");
        }
        ObjectNode props = r.putObject("properties");
        props.put("category", f.category().label());
        if (f.path() != null) {
            props.put("path", f.path());
        }
        if (suppressedBecause != null) {
            r.putArray("suppressions").addObject().put("kind", "inSource").put("justification", suppressedBecause);
        }
    }

    /** SARIF's levels: error, warning, note. */
    static String level(Severity s) {
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "note";
        };
    }
}
