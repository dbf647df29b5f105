package dev.sluice.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import dev.sluice.manifest.ManifestDocument;
import dev.sluice.validate.rules.ManifestRule;
import dev.sluice.validate.rules.ValidationScope;

/**
 * Validates the manifest documents of one commit: structure first (each document must be a complete
 * object), then every {@link ManifestRule} over the complete objects.
 */
@ApplicationScoped
public class ManifestValidator {
    public static final String NO_MANIFESTS = "no-manifests";

    private final List<ManifestRule> rules;

    @Inject
    public ManifestValidator(@Any Instance<ManifestRule> rules) {
        // by id, so findings come out in the same order on every run
        this.rules = rules.stream().sorted(Comparator.comparing(ManifestRule::id)).toList();
    }

    public List<String> ruleIds() {
        return rules.stream().map(ManifestRule::id).toList();
    }

    /**
     * @param paths the manifest paths searched ({@code .sluice.yaml} {@code manifests})
     * @param files the manifest files found under them
     * @param documents every document of those files
     */
    public ValidationResult validate(List<String> paths, List<String> files, List<ManifestDocument> documents,
            ValidationScope scope) {
        ManifestObjects found = ManifestObjects.of(documents);
        List<ManifestFinding> findings = new ArrayList<>(found.findings());
        if (documents.isEmpty()) {
            String where = files.isEmpty() ? "" : " (" + files.size() + " file" + (files.size() == 1 ? "" : "s") + " found, all empty)";
            findings.add(new ManifestFinding(NO_MANIFESTS, Severity.INFO, null, null, null, null, 0,
                    (paths.isEmpty() ? "no manifest paths configured" : "no manifests found under " + String.join(", ", paths)) + where + ": nothing to deploy",
                    "put Kubernetes manifests under one of these paths, or set manifests: in .sluice.yaml"));
        }
        for (ManifestRule rule : rules) {
            findings.addAll(rule.check(found.objects(), scope));
        }
        return ValidationResult.of(files, found.objects(), findings);
    }
}
