package dev.sluice.validate.rules;

import static dev.sluice.validate.rules.PolicyRulesTest.findings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestFile;
import dev.sluice.validate.OfflineValidator;
import dev.sluice.validate.Severity;
import dev.sluice.validate.ValidationResult;
import dev.sluice.validate.ValidationSettings;

/** The API schema check: what kubectl's strict validation would refuse, reported apart from policy findings. */
class SchemaRuleTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: "3"
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    imagePullPolcy: Always
            """;

    @Test
    void anUnknownFieldIsAnErrorAtItsLineWithTheFieldItMeant() {
        assertThat(findings(DEPLOYMENT, "schema")).anySatisfy(f -> {
            assertThat(f.category()).isEqualTo(Category.SCHEMA);
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(16);
            assertThat(f.path()).isEqualTo("spec.template.spec.containers[0].imagePullPolcy");
            assertThat(f.message()).contains("unknown field").contains("did you mean imagePullPolicy?");
        });
    }

    @Test
    void aWrongTypeIsAnErrorNamingBothTypes() {
        assertThat(findings(DEPLOYMENT, "schema")).anySatisfy(f -> {
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.message()).contains("spec.replicas must be an integer, not a string (\"3\")");
        });
    }

    @Test
    void aMissingRequiredFieldIsAnError() {
        String noSelector = DEPLOYMENT.replace("  selector:\n    matchLabels: {app: web}\n", "");
        assertThat(findings(noSelector, "schema")).anySatisfy(f -> assertThat(f.message()).contains("spec.selector is required"));
        String noName = DEPLOYMENT.replace("- name: app\n        image", "- image");
        assertThat(findings(noName, "schema")).anySatisfy(f -> assertThat(f.message())
                .contains("spec.template.spec.containers[0].name is required"));
    }

    @Test
    void aFixedDeploymentHasNoSchemaError() {
        String fixed = DEPLOYMENT.replace("\"3\"", "3").replace("imagePullPolcy", "imagePullPolicy");
        assertThat(findings(fixed, "schema")).isEmpty();
    }

    @Test
    void knativeObjectsAreCheckedAgainstTheKnativeSchema() {
        String ksvc = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec:\n  template:\n    spec:\n"
                + "      containerConcurency: 10\n      containers: [{image: 'ghcr.io/x/hello:1.0'}]\n";
        assertThat(findings(ksvc, "schema")).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.message()).contains("did you mean containerConcurrency?");
        });
        String trigger = "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t}\n"
                + "spec: {broker: default, subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: hello}}}\n";
        assertThat(findings(trigger, "schema")).isEmpty();
    }

    @Test
    void removedApiVersionsAreErrorsNamingTheReplacement() {
        String old = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n";
        List<ManifestFinding> deprecated = findings(old, "deprecated-api");
        assertThat(deprecated).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.category()).isEqualTo(Category.SCHEMA);
            assertThat(f.message()).contains("use networking.k8s.io/v1");
        });
        assertThat(findings("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n", "deprecated-api"))
                .singleElement().extracting(ManifestFinding::message).asString().contains("use policy/v1");
        assertThat(findings(old, "schema")).isEmpty();
    }

    @Test
    void aKnownKindAtAVersionThatDoesNotServeItIsAnError() {
        String yaml = "apiVersion: autoscaling/v3\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n";
        assertThat(findings(yaml, "schema")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("served at autoscaling/v1, autoscaling/v2");
    }

    @Test
    void aMisspeltKindOfABuiltInVersionIsAnErrorWithTheKindItMeant() {
        String deployment = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\nspec: {}\n";
        assertThat(findings(deployment, "schema")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.category()).isEqualTo(Category.SCHEMA);
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.path()).isEqualTo("kind");
            assertThat(f.message()).isEqualTo("Deploymnet web: apps/v1 has no kind Deploymnet (did you mean Deployment?); "
                    + "it serves ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet");
            assertThat(f.remediation()).isEqualTo("set kind: Deployment");
        });
        assertThat(findings(deployment, "unknown-kind")).isEmpty();
        String service = "apiVersion: v1\nkind: Sevice\nmetadata: {name: web}\n";
        assertThat(findings(service, "schema")).singleElement().extracting(ManifestFinding::message).asString()
                .startsWith("Sevice web: v1 has no kind Sevice (did you mean Service?); it serves Binding, ConfigMap,")
                .contains("Node, PersistentVolume");
        // a kind Kubernetes serves but the schema has no fields for is not an error
        String node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n";
        assertThat(findings(node, "schema")).isEmpty();
        assertThat(findings(node, "unknown-kind")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.INFO);
    }

    @Test
    void aCustomResourceIsAnInfoNotAnError() {
        String yaml = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {anything: goes}\n";
        assertThat(findings(yaml, "unknown-kind")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.INFO);
        assertThat(findings(yaml, "schema")).isEmpty();
        // Knative's groups are custom resources too: a misspelt kind stays an info, with a guess
        String knative = "apiVersion: serving.knative.dev/v1\nkind: Servce\nmetadata: {name: hello}\n";
        assertThat(findings(knative, "schema")).isEmpty();
        assertThat(findings(knative, "unknown-kind")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).contains("(did you mean Service?)");
        });
    }

    private static final String BASE_AND_MERGE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: &labels {app: web}
            spec:
              selector: {matchLabels: *labels}
              template:
                metadata: {labels: *labels}
                spec:
                  containers:
                  - &app
                    name: app
                    image: nginx:1.27
                    imagePullPolcy: Always
                  - <<: *app
                    name: sidecar
            """;

    @Test
    void anchorsAndMergeKeysAreValidatedAsTheirExpandedForm() {
        List<ManifestFinding> schema = findings(BASE_AND_MERGE, "schema");
        // the typo is in both containers once expanded: at its own line in the first, at the <<: in the second
        assertThat(schema).extracting(ManifestFinding::path, ManifestFinding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("spec.template.spec.containers[0].imagePullPolcy", 15),
                org.assertj.core.groups.Tuple.tuple("spec.template.spec.containers[1].imagePullPolcy", 16));
        // fixed, the merged sidecar is a complete container and the aliased labels match the selector
        String fixed = BASE_AND_MERGE.replace("imagePullPolcy", "imagePullPolicy");
        assertThat(findings(fixed, "schema")).isEmpty();
        assertThat(findings(fixed, "selector-mismatch")).isEmpty();
        assertThat(findings(fixed, "image-tag")).isEmpty();
        assertThat(findings(fixed, "resources")).extracting(ManifestFinding::path)
                .containsExactly("spec.template.spec.containers[0]", "spec.template.spec.containers[1]");
    }

    @Test
    void aDuplicateKeyIsAParseErrorAtItsLine() {
        String dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  mode: fast\n  mode: slow\n";
        ValidationResult r = OfflineValidator.create().validate(List.of(), List.of(ManifestFile.of("k8s/dup.yaml",
                dup.getBytes(StandardCharsets.UTF_8))), new ValidationScope(null, null), ValidationSettings.DEFAULTS);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("manifest-parse");
            assertThat(f.file()).isEqualTo("k8s/dup.yaml");
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.message()).isEqualTo("refused: duplicate key 'mode' (first at line 6); kubectl would keep only one of them");
        });
    }

    @Test
    void aYamlBombAnOversizedFileAndInvalidUtf8AreRefusedWithAFindingNotACrash() {
        StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 60; i++) {
            bomb.append("  b").append(i).append(": &b").append(i).append(" [*").append(i == 0 ? "a" : "b" + (i - 1))
                    .append(", *").append(i == 0 ? "a" : "b" + (i - 1)).append("]\n");
        }
        long started = System.nanoTime();
        ValidationResult r = OfflineValidator.create().validate(List.of(), List.of(ManifestFile.of("k8s/bomb.yaml",
                bomb.toString().getBytes(StandardCharsets.UTF_8))), new ValidationScope(null, null), ValidationSettings.DEFAULTS);
        // b12 (line 18) doubles the copies past the 100,000 nodes a file may expand to: refused there, nothing else said
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("manifest-parse");
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.file()).isEqualTo("k8s/bomb.yaml");
            assertThat(f.line()).isEqualTo(18);
            assertThat(f.message()).isEqualTo("refused: aliases expand to more than 100000 copied nodes in one file (an alias bomb?)");
        });
        assertThat(r.passed()).isFalse();
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        ValidationResult notUtf8 = OfflineValidator.create().validate(List.of(), List.of(ManifestFile.of("k8s/bin.yaml",
                new byte[] {(byte) 0xff, (byte) 0xfe, 'a', ':'})), new ValidationScope(null, null), ValidationSettings.DEFAULTS);
        assertThat(notUtf8.findings()).singleElement().extracting(ManifestFinding::message).asString().contains("UTF-8");
        byte[] huge = new byte[dev.sluice.manifest.ManifestSet.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) '#');
        ValidationResult tooBig = OfflineValidator.create().validate(List.of(), List.of(ManifestFile.of("k8s/huge.yaml", huge)),
                new ValidationScope(null, null), ValidationSettings.DEFAULTS);
        assertThat(tooBig.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("manifest-parse");
            assertThat(f.message()).contains("over the limit");
        });
    }
}
