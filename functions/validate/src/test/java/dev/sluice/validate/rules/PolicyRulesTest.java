package dev.sluice.validate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sluice.validate.ManifestFile;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.OfflineValidator;
import dev.sluice.validate.Severity;
import dev.sluice.validate.ValidationResult;
import dev.sluice.validate.ValidationSettings;

/** Each policy rule on the smallest manifest that trips it, and on the fix that clears it. */
class PolicyRulesTest {
    private static final ValidationScope SHOP = new ValidationScope("production", "shop");

    static ValidationResult validate(String yaml, ValidationSettings settings) {
        ManifestFile file = ManifestFile.of("k8s/app.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return OfflineValidator.create().validate(List.of("k8s/"), List.of(file), SHOP, settings);
    }

    static List<ManifestFinding> findings(String yaml, String ruleId) {
        return validate(yaml, ValidationSettings.DEFAULTS).findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    }

    static String pod(String podSpecExtra, String containerExtra) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {app: web}
                spec:
                %s  containers:
                  - name: app
                    image: nginx:1.27
                %s""".formatted(podSpecExtra.indent(2), containerExtra.indent(4));
    }

    @Test
    void resourcesNeedCpuAndMemoryRequestsAndAMemoryLimitAndTheFindingNamesWhatIsMissing() {
        assertThat(findings(pod("", "resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}\n"), "resources"))
                .isEmpty();
        assertThat(findings(pod("", ""), "resources")).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("spec.containers[0]");
            assertThat(f.message()).endsWith("has no resources.requests.cpu, resources.requests.memory, resources.limits.memory");
        });
        // limits only (kube-score's "only limits" case): the requests are missing
        assertThat(findings(pod("", "resources: {limits: {cpu: 200m, memory: 1Gi}}\n"), "resources")).singleElement()
                .satisfies(f -> {
                    assertThat(f.path()).isEqualTo("spec.containers[0].resources");
                    assertThat(f.message()).endsWith("has no resources.requests.cpu, resources.requests.memory");
                });
        // requests without memory, and no memory limit: a non-empty requests/limits is not enough
        assertThat(findings(pod("", "resources: {requests: {cpu: 100m}, limits: {cpu: 1}}\n"), "resources")).singleElement()
                .extracting(ManifestFinding::message).asString()
                .endsWith("has no resources.requests.memory, resources.limits.memory");
        assertThat(findings(pod("", "resources: {requests: {cpu: 100m, memory: \"\"}, limits: {memory: 1Gi}}\n"), "resources"))
                .singleElement().extracting(ManifestFinding::message).asString().endsWith("has no resources.requests.memory");
    }

    @Test
    void privilegedAndAddedCapabilitiesAreErrorsAtTheFieldLine() {
        List<ManifestFinding> privileged = findings(pod("", "securityContext:\n  privileged: true\n"), "privileged");
        assertThat(privileged).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(11);
            assertThat(f.path()).isEqualTo("spec.containers[0].securityContext.privileged");
        });
        assertThat(findings(pod("", "securityContext:\n  capabilities: {add: [NET_BIND_SERVICE, SYS_ADMIN]}\n"), "capabilities"))
                .singleElement().extracting(ManifestFinding::message).asString().contains("SYS_ADMIN");
        assertThat(findings(pod("", "securityContext:\n  capabilities: {add: [NET_BIND_SERVICE]}\n"), "capabilities")).isEmpty();
    }

    @Test
    void hostNamespacesAndHostPathVolumesAreFound() {
        assertThat(findings(pod("hostNetwork: true\nhostPID: true\n", ""), "host-namespaces")).hasSize(2);
        String hostPath = pod("volumes:\n- name: sock\n  hostPath: {path: /var/run/docker.sock}\n", "");
        assertThat(findings(hostPath, "host-path")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("sensitive host path /var/run/docker.sock");
    }

    @Test
    void runAsRootAndWritableRootFilesystemAreWarningsClearedBySecurityContext() {
        assertThat(findings(pod("", ""), "run-as-non-root")).hasSize(1);
        assertThat(findings(pod("", ""), "read-only-root-fs")).hasSize(1);
        // not written counts as allowed, as Polaris and kube-score count it
        assertThat(findings(pod("", ""), "privilege-escalation")).singleElement().extracting(ManifestFinding::message)
                .asString().endsWith("does not forbid privilege escalation (allowPrivilegeEscalation is not false)");
        String hardened = pod("securityContext: {runAsNonRoot: true, runAsUser: 1000}\n",
                "securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}\n");
        assertThat(findings(hardened, "run-as-non-root")).isEmpty();
        assertThat(findings(hardened, "read-only-root-fs")).isEmpty();
        assertThat(findings(pod("", "securityContext: {allowPrivilegeEscalation: true}\n"), "privilege-escalation")).hasSize(1);
    }

    @Test
    void probesAreAskedOfLongRunningPodsButNotOfJobsOrKnativeServices() {
        assertThat(findings(pod("", ""), "liveness-probe")).hasSize(1);
        assertThat(findings(pod("", ""), "readiness-probe")).hasSize(1);
        String job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec:\n  template:\n    spec:\n"
                + "      restartPolicy: Never\n      containers: [{name: c, image: 'busybox:1.36'}]\n";
        assertThat(findings(job, "liveness-probe")).isEmpty();
        String knative = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec:\n  template:\n"
                + "    spec:\n      containers: [{image: 'ghcr.io/x/hello:1.0'}]\n";
        assertThat(findings(knative, "readiness-probe")).isEmpty();
    }

    @Test
    void aProbeOnAPortTheContainerDoesNotDeclareIsFound() {
        String yaml = pod("", "ports: [{name: http, containerPort: 8080}]\nreadinessProbe: {httpGet: {path: /, port: web}}\n");
        assertThat(findings(yaml, "probe-port")).singleElement().extracting(ManifestFinding::path)
                .isEqualTo("spec.containers[0].readinessProbe.httpGet.port");
        assertThat(findings(yaml.replace("port: web", "port: http"), "probe-port")).isEmpty();
    }

    @Test
    void committedSecretsAndSecretLookingEnvValuesAreFound() {
        String secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n";
        assertThat(findings(secret, "secret-data")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(4);
        });
        assertThat(findings("apiVersion: v1\nkind: Secret\nmetadata: {name: filled-by-operator}\n", "secret-data")).isEmpty();
        String env = pod("", "env:\n- {name: DB_PASSWORD, value: hunter2}\n- {name: DB_HOST, value: db}\n- {name: API_TOKEN, valueFrom: {secretKeyRef: {name: t, key: t}}}\n");
        assertThat(findings(env, "env-secret")).singleElement().extracting(ManifestFinding::message).asString().contains("DB_PASSWORD");
    }

    @Test
    void duplicateEnvNamesAndContainerPortsAreFound() {
        String yaml = pod("", "env: [{name: A, value: '1'}, {name: A, value: '2'}]\nports: [{containerPort: 80}, {containerPort: 80}]\n");
        assertThat(findings(yaml, "duplicate-env")).hasSize(1);
        assertThat(findings(yaml, "duplicate-port")).hasSize(1);
    }

    @Test
    void aServiceSelectingNoPodAndAWorkloadSelectingNotItsTemplateAreFound() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: webb}}
                    spec: {containers: [{name: app, image: 'nginx:1.27'}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                """;
        assertThat(findings(yaml, "selector-mismatch")).singleElement().extracting(ManifestFinding::line).isEqualTo(5);
        assertThat(findings(yaml, "service-selector")).singleElement().extracting(ManifestFinding::line).isEqualTo(13);
        String fixed = yaml.replace("app: webb", "app: web");
        assertThat(findings(fixed, "selector-mismatch")).isEmpty();
        assertThat(findings(fixed, "service-selector")).isEmpty();
        String twice = fixed + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web2}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
        assertThat(findings(twice, "service-overlap")).hasSize(1);
    }

    @Test
    void rbacWildcardsAndClusterAdminBindingsAreFound() {
        String yaml = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: all}
                rules: [{apiGroups: [''], resources: ['*'], verbs: [get]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
                """;
        assertThat(findings(yaml, "rbac-wildcard")).singleElement().extracting(ManifestFinding::path).isEqualTo("rules[0].resources[0]");
        assertThat(findings(yaml, "cluster-admin-binding")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.ERROR);
    }

    @Test
    void knativeBoundsScaleAnnotationsAndTrafficAreChecked() {
        String yaml = """
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: hello}
                spec:
                  template:
                    metadata:
                      annotations: {autoscaling.knative.dev/min-scale: "5", autoscaling.knative.dev/max-scale: "2"}
                    spec:
                      containerConcurrency: 5000
                      timeoutSeconds: 3600
                      containers: [{image: 'ghcr.io/x/hello:1.0'}]
                  traffic:
                  - {revisionName: other-00001, percent: 50}
                  - {latestRevision: true, percent: 40}
                """;
        assertThat(findings(yaml, "knative-concurrency")).singleElement().extracting(ManifestFinding::line).isEqualTo(9);
        assertThat(findings(yaml, "knative-timeout")).singleElement().extracting(ManifestFinding::line).isEqualTo(10);
        assertThat(findings(yaml, "knative-scale")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("min-scale 5 is above max-scale 2");
        assertThat(findings(yaml, "knative-traffic")).extracting(ManifestFinding::message)
                .anySatisfy(m -> assertThat(m).contains("sum to 90, not 100"))
                .anySatisfy(m -> assertThat(m).contains("other-00001, which is not a revision of hello"));
    }

    @Test
    void namesLabelsAndNamespacesTheApiServerRefusesAreErrors() {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: My_Config
                  namespace: staging
                  labels: {"app.kubernetes.io/name": "bad value!"}
                """;
        assertThat(findings(yaml, "dns-name")).singleElement().extracting(ManifestFinding::line).isEqualTo(4);
        assertThat(findings(yaml, "label-syntax")).singleElement().extracting(ManifestFinding::line).isEqualTo(6);
        assertThat(findings(yaml, "namespace-mismatch")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("namespace staging, but environment production deploys to shop");
        assertThat(findings(pod("", ""), "name-label")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.INFO);
    }

    @Test
    void settingsChangeASeverityDropARuleAndFailOnWarnings() {
        // a Deployment clean under every other rule: its one warning is the image tag
        String latest = WorkloadPolicyRulesTest.CLEAN.replace("nginx:1.27", "nginx:latest");
        assertThat(validate(latest, ValidationSettings.DEFAULTS).passed()).isTrue();
        assertThat(validate(latest, new ValidationSettings(true, Map.of())).passed()).isFalse();
        assertThat(validate(latest, new ValidationSettings(true, Map.of())).summary()).isEqualTo("warnings fail the gate (failOnWarnings): k8s/app.yaml:19: Deployment web container app uses image nginx:latest");
        ValidationResult raised = validate(latest, new ValidationSettings(false, Map.of("image-tag", "error")));
        assertThat(raised.passed()).isFalse();
        ValidationResult off = validate(latest, new ValidationSettings(true, Map.of("image-tag", "off")));
        assertThat(off.findings()).noneMatch(f -> f.ruleId().equals("image-tag"));
        assertThat(off.passed()).isTrue();
        assertThat(validate(latest, new ValidationSettings(false, Map.of("imagetag", "off"))).findings())
                .anySatisfy(f -> assertThat(f.message()).contains("names rule 'imagetag', which does not exist"));
    }

    @Test
    void anIgnoreAnnotationWaivesNamedRulesWithItsReasonAndOnlyWithAReason() {
        String yaml = pod("hostNetwork: true\n", "").replace("  labels: {app: web}\n",
                "  labels: {app: web}\n  annotations:\n    sluice.dev/ignore: \"host-namespaces: the CNI agent needs the node network; image-tag\"\n");
        ValidationResult r = validate(yaml, ValidationSettings.DEFAULTS);
        assertThat(r.findings()).noneMatch(f -> f.ruleId().equals("host-namespaces"));
        assertThat(r.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding().ruleId()).isEqualTo("host-namespaces");
            assertThat(s.reason()).isEqualTo("the CNI agent needs the node network");
        });
        assertThat(r.findings()).anySatisfy(f -> {
            assertThat(f.ruleId()).isEqualTo("ignore-annotation");
            assertThat(f.message()).contains("'image-tag' gives no reason");
        });
        assertThat(r.passed()).isTrue();
    }
}
