package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

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
            "deploy applies the releases through the Kubernetes API with service account sluice-deploy (rbac.yaml): it needs the token",
            "automount-service-account-token Service/sluice-validate",
            "validate runs the test Jobs in sluice-tests with service account sluice-validate (tests.yaml): it needs the token");

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

    /**
     * validate's token is for the test Jobs: its ServiceAccount is bound to one Role, in sluice-tests, granting exactly
     * what {@code KubernetesTestRunner} calls, and nothing cluster-wide; route and analyze still get no token.
     */
    @Test
    void validateMayRunTestJobsInSluiceTestsAndNothingMoreAndRouteAndAnalyzeHaveNoToken() throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        try (var files = Files.list(Path.of("../../knative"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(f.toFile())) {
                    docs.readAll().stream().filter(d -> d != null && d.isObject()).forEach(objects::add);
                }
            }
        }
        assertThat(find(objects, "Namespace", null, "sluice-tests")).isPresent();
        assertThat(find(objects, "ServiceAccount", "sluice", "sluice-validate")).isPresent();

        List<JsonNode> bindings = objects.stream().filter(o -> o.path("kind").asText().endsWith("RoleBinding"))
                .filter(o -> StreamSupport.stream(o.path("subjects").spliterator(), false)
                        .anyMatch(s -> s.path("name").asText().equals("sluice-validate")))
                .toList();
        assertThat(bindings).as("bindings of sluice-validate").singleElement().satisfies(b -> {
            assertThat(b.path("kind").asText()).isEqualTo("RoleBinding");
            assertThat(b.path("metadata").path("namespace").asText()).isEqualTo("sluice-tests");
            assertThat(b.path("roleRef").path("kind").asText()).isEqualTo("Role");
            assertThat(b.path("roleRef").path("name").asText()).isEqualTo("sluice-validate-tests");
            assertThat(b.path("subjects")).singleElement().satisfies(s -> {
                assertThat(s.path("kind").asText()).isEqualTo("ServiceAccount");
                assertThat(s.path("namespace").asText()).isEqualTo("sluice");
            });
        });
        JsonNode role = find(objects, "Role", "sluice-tests", "sluice-validate-tests").orElseThrow();
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    Set<String> verbs = granted.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new TreeSet<>());
                    rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                }
            }
        }
        assertThat(granted).isEqualTo(Map.of("batch/jobs", Set.of("create", "get", "list", "delete"), "/pods",
                Set.of("get", "list"), "/pods/log", Set.of("get"), "networking.k8s.io/networkpolicies", Set.of("get", "create")));

        JsonNode validate = find(objects, "Service", "sluice", "sluice-validate").orElseThrow().path("spec").path("template").path("spec");
        assertThat(validate.path("serviceAccountName").asText()).isEqualTo("sluice-validate");
        assertThat(validate.path("automountServiceAccountToken").isMissingNode()).as("validate's token").isTrue();
        for (String name : List.of("sluice-route", "sluice-analyze")) {
            JsonNode spec = find(objects, "Service", "sluice", name).orElseThrow().path("spec").path("template").path("spec");
            assertThat(spec.path("automountServiceAccountToken").asBoolean(true)).as(name + " gets no token").isFalse();
        }
    }

    private static java.util.Optional<JsonNode> find(List<JsonNode> objects, String kind, String namespace, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name)
                && (namespace == null || o.path("metadata").path("namespace").asText().equals(namespace))).findFirst();
    }

    private static String key(ManifestFinding f) {
        return f.ruleId() + " " + f.kind() + "/" + f.name();
    }
}
