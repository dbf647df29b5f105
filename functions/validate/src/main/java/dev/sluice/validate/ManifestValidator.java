package dev.sluice.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import dev.sluice.validate.rules.ManifestRule;
import dev.sluice.validate.rules.ValidationScope;

/**
 * Validates the manifests of one commit: structure first (each document must be a complete object), then
 * every active {@link ManifestRule} over the complete objects. {@code .sluice.yaml} settings then set each
 * rule's severity (or drop it), and {@code sluice.dev/ignore} annotations waive findings with a reason.
 */
@ApplicationScoped
public class ManifestValidator {
    public static final String NO_MANIFESTS = "no-manifests";
    public static final String SETTINGS = "validation-settings";

    /** A rule as the report and SARIF describe it. */
    public record RuleDescription(String id, Severity severity, Category category, String description) {
    }

    /** The findings of structure and settings, which no rule bean produces. */
    static final List<RuleDescription> BUILT_IN = List.of(
            new RuleDescription(ManifestObjects.PARSE, Severity.ERROR, Category.SCHEMA,
                    "A manifest that is not valid YAML or JSON, too large, not UTF-8, or an alias bomb."),
            new RuleDescription(ManifestObjects.REQUIRED_FIELD, Severity.ERROR, Category.SCHEMA,
                    "An object without apiVersion, kind or metadata.name."),
            new RuleDescription(NO_MANIFESTS, Severity.INFO, Category.POLICY, "No manifest at all under the manifest paths."),
            new RuleDescription(InlineIgnores.RULE_ID, Severity.WARNING, Category.POLICY,
                    "A sluice.dev/ignore annotation without a reason, or naming a rule that does not exist."),
            new RuleDescription(SETTINGS, Severity.WARNING, Category.POLICY,
                    "A validation.rules entry of .sluice.yaml naming a rule that does not exist."));

    private final List<ManifestRule> rules;

    @Inject
    public ManifestValidator(@Any Instance<ManifestRule> rules) {
        this(rules.stream().toList());
    }

    public ManifestValidator(List<ManifestRule> rules) {
        // by id, so findings come out in the same order on every run
        this.rules = rules.stream().sorted(Comparator.comparing(ManifestRule::id)).toList();
    }

    /** The ids of the rules that run (dry-run only when a cluster is configured). */
    public List<String> ruleIds() {
        return rules.stream().filter(ManifestRule::active).map(ManifestRule::id).toList();
    }

    /** Every rule, built-in or bean, as the report and SARIF describe it, by id. */
    public Map<String, RuleDescription> catalogue() {
        Map<String, RuleDescription> all = new LinkedHashMap<>();
        BUILT_IN.forEach(r -> all.put(r.id(), r));
        rules.forEach(r -> all.put(r.id(), new RuleDescription(r.id(), r.severity(), r.category(), r.description())));
        return all;
    }

    /**
     * @param paths the manifest paths searched ({@code .sluice.yaml} {@code manifests})
     * @param files the manifest files found under them, with their documents
     */
    public ValidationResult validate(List<String> paths, List<ManifestFile> files, ValidationScope scope,
            ValidationSettings settings) {
        ManifestObjects found = ManifestObjects.of(files);
        List<ManifestFinding> findings = new ArrayList<>(found.findings());
        if (files.stream().allMatch(f -> f.documents().isEmpty())) {
            String where = files.isEmpty() ? "" : " (" + files.size() + " file" + (files.size() == 1 ? "" : "s") + " found, all empty)";
            findings.add(new ManifestFinding(NO_MANIFESTS, Severity.INFO, Category.POLICY, null, null, null, null, 0, null,
                    (paths.isEmpty() ? "no manifest paths configured" : "no manifests found under " + String.join(", ", paths)) + where + ": nothing to deploy",
                    "put Kubernetes manifests under one of these paths, or set manifests: in .sluice.yaml"));
        }
        for (ManifestRule rule : rules) {
            if (rule.active() && !settings.off(rule.id())) {
                findings.addAll(rule.check(found.checked(), scope));
            }
        }
        Set<String> known = new TreeSet<>(catalogue().keySet());
        for (String configured : settings.severities().keySet()) {
            if (!known.contains(configured)) {
                findings.add(new ManifestFinding(SETTINGS, Severity.WARNING, Category.POLICY, null, null, null, ".sluice.yaml", 0,
                        "validation.rules." + configured, ".sluice.yaml validation.rules names rule '" + configured
                                + "', which does not exist", "use one of: " + String.join(", ", known)));
            }
        }
        InlineIgnores ignores = new InlineIgnores(found.objects(), known);
        findings.addAll(ignores.problems());
        List<ManifestFinding> kept = new ArrayList<>();
        List<InlineIgnores.Suppressed> suppressed = new ArrayList<>();
        for (ManifestFinding f : findings) {
            if (settings.off(f.ruleId())) {
                continue;
            }
            ManifestFinding configured = f.withSeverity(settings.severity(f.ruleId(), f.severity()));
            String reason = ignores.reason(configured);
            if (reason != null) {
                suppressed.add(new InlineIgnores.Suppressed(configured, reason));
            } else {
                kept.add(configured);
            }
        }
        return ValidationResult.of(files.stream().map(ManifestFile::path).toList(), found.objects(), kept, suppressed,
                settings.failOnWarnings());
    }
}
