package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sluice.validate.rules.ValidationScope;

/**
 * Sluice's own manifests (the repository's knative/ folder) pass Sluice's own gate: every rule validate runs, but
 * the dry-run (no cluster here), with no environment (the folder spans namespace sluice and the example target
 * namespace shop). Zero errors; a warning is allowed only when it is listed below with why it stays.
 */
class KnativeManifestsTest {
    private static final String TMP = "the git cache and the JVM write under /tmp; a read-only root needs an emptyDir there, which "
            + "Knative Serving admits only with its kubernetes.podspec-volumes-emptydir feature (services.yaml's header)";
    /** rule id + object (kind/name) -> why the warning is right to keep. */
    private static final Map<String, String> EXPLAINED = Map.of(
            "read-only-root-fs Service/sluice-route", TMP, "read-only-root-fs Service/sluice-analyze", TMP,
            "read-only-root-fs Service/sluice-validate", TMP, "read-only-root-fs Service/sluice-deploy", TMP,
            "automount-service-account-token Service/sluice-deploy",
            "deploy applies the releases through the Kubernetes API with service account sluice-deploy (rbac.yaml): it needs the token");

    @Test
    void theKnativeFolderHasNoErrorAndNoUnexplainedWarning() {
        Path knative = Path.of("../../knative").toAbsolutePath().normalize();
        assertThat(knative.resolve("services.yaml")).exists();
        ValidationResult result = OfflineValidator.validate(knative, new ValidationScope(null, null));
        result.findings().forEach(f -> System.out.printf("%s %s %s/%s %s:%d %s%n", f.severity(), f.ruleId(), f.kind(), f.name(),
                f.file(), f.line(), f.message()));
        assertThat(result.files()).hasSizeGreaterThanOrEqualTo(8);
        List<ManifestFinding> errors = result.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
        assertThat(errors).as("errors").isEmpty();
        List<ManifestFinding> unexplained = result.findings().stream()
                .filter(f -> f.severity() == Severity.WARNING && !EXPLAINED.containsKey(key(f))).toList();
        assertThat(unexplained).as("warnings not explained in EXPLAINED").isEmpty();
    }

    private static String key(ManifestFinding f) {
        return f.ruleId() + " " + f.kind() + "/" + f.name();
    }
}
