package dev.sluice.validate.rules;

import static dev.sluice.validate.rules.PolicyRulesTest.findings;
import static dev.sluice.validate.rules.PolicyRulesTest.pod;
import static dev.sluice.validate.rules.PolicyRulesTest.validate;
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

/**
 * The workload policies Polaris, kube-score and kube-linter users rely on: each on a manifest that trips it and on
 * the fix that clears it; the cross-object ones over several files, naming file:line of the object they are about.
 */
class WorkloadPolicyRulesTest {

    /** A Deployment that follows every policy, with the objects around it that the cross-object rules look for. */
    static final String CLEAN = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  automountServiceAccountToken: false
                  priorityClassName: business
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
                  containers:
                  - name: app
                    image: nginx:1.27
                    imagePullPolicy: Always
                    ports: [{name: http, containerPort: 8080}]
                    livenessProbe: {tcpSocket: {port: http}}
                    readinessProbe: {httpGet: {port: http, path: /ready}}
                    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
                    securityContext:
                      readOnlyRootFilesystem: true
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL]}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web}
            spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress, Egress]
              ingress: [{ports: [{port: 8080}]}]
              egress: [{ports: [{port: 53, protocol: UDP}]}]
            """;

    static ValidationResult validateFiles(Map<String, String> files) {
        List<ManifestFile> manifests = new java.util.TreeMap<>(files).entrySet().stream()
                .map(e -> ManifestFile.of(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8))).toList();
        return OfflineValidator.create().validate(List.of("k8s/"), manifests, new ValidationScope("production", "shop"),
                ValidationSettings.DEFAULTS);
    }

    @Test
    void aManifestFollowingEveryPolicyHasNoFindingAtAll() {
        assertThat(validate(CLEAN, ValidationSettings.DEFAULTS).findings()).extracting(ManifestFinding::located).isEmpty();
    }

    @Test
    void automountedTokensAreFoundUnlessThePodOrItsServiceAccountOptsOut() {
        String mounted = CLEAN.replace("      automountServiceAccountToken: false\n", "      serviceAccountName: web\n");
        assertThat(findings(mounted, "automount-service-account-token")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(11);
            assertThat(f.message()).contains("service account web");
        });
        String account = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n";
        assertThat(findings(mounted + account, "automount-service-account-token")).isEmpty();
        // the account of another namespace does not count; a pod's own true wins over its account
        assertThat(findings(mounted + account.replace("{name: web}", "{name: web, namespace: other}"), "automount-service-account-token")).hasSize(1);
        assertThat(findings(CLEAN.replace("automountServiceAccountToken: false", "automountServiceAccountToken: true") + account,
                "automount-service-account-token")).singleElement().extracting(ManifestFinding::path)
                .isEqualTo("spec.template.spec.automountServiceAccountToken");
    }

    @Test
    void deploymentsNeedTwoReplicasUnlessAnAutoscalerScalesThemWhichThenOwnsTheCount() {
        assertThat(findings(CLEAN.replace("replicas: 3", "replicas: 1"), "deployment-replicas")).singleElement()
                .satisfies(f -> assertThat(f.line()).isEqualTo(7));
        assertThat(findings(CLEAN.replace("  replicas: 3\n", ""), "deployment-replicas")).singleElement()
                .extracting(ManifestFinding::message).asString().endsWith("writes no replicas: it runs one pod");
        String hpa = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
                + "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}\n";
        assertThat(findings(CLEAN + hpa, "deployment-replicas")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("sets replicas: 3 while HorizontalPodAutoscaler web (k8s/app.yaml:");
        assertThat(findings(CLEAN.replace("  replicas: 3\n", "") + hpa, "deployment-replicas")).isEmpty();
    }

    @Test
    void hostPortsHostProcessAndProcMountAreFound() {
        assertThat(findings(pod("", "ports: [{containerPort: 80, hostPort: 8080}]\n"), "host-port")).singleElement()
                .extracting(ManifestFinding::path).isEqualTo("spec.containers[0].ports[0].hostPort");
        assertThat(findings(pod("", "ports: [{containerPort: 80}]\n"), "host-port")).isEmpty();
        assertThat(findings(pod("securityContext: {windowsOptions: {hostProcess: true}}\n", ""), "host-process")).singleElement()
                .extracting(ManifestFinding::path).isEqualTo("spec.securityContext.windowsOptions.hostProcess");
        assertThat(findings(pod("", "securityContext: {windowsOptions: {hostProcess: false}}\n"), "host-process")).isEmpty();
        assertThat(findings(pod("", "securityContext: {procMount: Unmasked}\n"), "proc-mount")).singleElement()
                .extracting(ManifestFinding::severity).isEqualTo(Severity.WARNING);
        assertThat(findings(pod("", "securityContext: {procMount: Default}\n"), "proc-mount")).isEmpty();
    }

    @Test
    void linuxHardeningAcceptsAnyOneRestrictionAndDropCapabilitiesAsksForAllOrNetRaw() {
        assertThat(findings(pod("", ""), "linux-hardening")).hasSize(1);
        assertThat(findings(pod("securityContext: {seccompProfile: {type: RuntimeDefault}}\n", ""), "linux-hardening")).isEmpty();
        assertThat(findings(pod("securityContext: {seccompProfile: {type: RuntimeDefault}}\n",
                "securityContext: {seccompProfile: {type: Unconfined}}\n"), "linux-hardening")).hasSize(1);
        assertThat(findings(pod("", "securityContext: {appArmorProfile: {type: RuntimeDefault}}\n"), "linux-hardening")).isEmpty();
        String annotated = pod("", "").replace("  labels: {app: web}\n",
                "  labels: {app: web}\n  annotations: {container.apparmor.security.beta.kubernetes.io/app: runtime/default}\n");
        assertThat(findings(annotated, "linux-hardening")).isEmpty();
        assertThat(findings(pod("os: {name: windows}\n", ""), "linux-hardening")).isEmpty();
        assertThat(findings(pod("", "securityContext: {capabilities: {drop: [NET_RAW]}}\n"), "linux-hardening")).isEmpty();
        // dropping a capability does not count when ALL are added back
        assertThat(findings(pod("", "securityContext: {capabilities: {drop: [ALL], add: [all]}}\n"), "linux-hardening")).hasSize(1);

        assertThat(findings(pod("", ""), "drop-capabilities")).singleElement().extracting(ManifestFinding::message).asString()
                .endsWith("container app drops neither ALL capabilities nor NET_RAW");
        assertThat(findings(pod("", "securityContext: {capabilities: {drop: [NET_RAW]}}\n"), "drop-capabilities")).isEmpty();
        assertThat(findings(pod("", "securityContext: {capabilities: {drop: [all]}}\n"), "drop-capabilities")).isEmpty();
        assertThat(findings(pod("", "securityContext: {capabilities: {drop: [SYS_ADMIN]}}\n"), "drop-capabilities")).hasSize(1);
    }

    @Test
    void hpaBoundsThatDefeatTheAutoscalerAreFound() {
        String hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
                + "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: %s\n  maxReplicas: %s\n";
        assertThat(findings(hpa.formatted(2, 10), "hpa-replicas")).isEmpty();
        assertThat(findings(hpa.formatted(1, 10), "hpa-replicas")).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
        });
        assertThat(findings(hpa.formatted(3, 3), "hpa-replicas")).singleElement().extracting(ManifestFinding::message).asString()
                .endsWith("it never scales");
        assertThat(findings(hpa.formatted(5, 3), "hpa-replicas")).singleElement().extracting(ManifestFinding::severity)
                .isEqualTo(Severity.ERROR);
        assertThat(findings(hpa.replace("  minReplicas: %s\n", "").formatted(10), "hpa-replicas")).singleElement()
                .extracting(ManifestFinding::message).asString().contains("minReplicas not written");
    }

    @Test
    void imagePullPolicyIsReadAsKubernetesDefaultsIt() {
        assertThat(findings(pod("", ""), "image-pull-policy")).singleElement().extracting(ManifestFinding::message).asString()
                .contains("is pulled IfNotPresent");
        assertThat(findings(pod("", "imagePullPolicy: Never\n"), "image-pull-policy")).singleElement()
                .extracting(ManifestFinding::path).isEqualTo("spec.containers[0].imagePullPolicy");
        assertThat(findings(pod("", "imagePullPolicy: Always\n"), "image-pull-policy")).isEmpty();
        // :latest and no tag default to Always; a digest cannot change under its name
        assertThat(findings(pod("", "").replace("nginx:1.27", "nginx:latest"), "image-pull-policy")).isEmpty();
        assertThat(findings(pod("", "").replace("nginx:1.27", "registry:5000/nginx"), "image-pull-policy")).isEmpty();
        assertThat(findings(pod("", "").replace("nginx:1.27", "nginx@sha256:" + "a".repeat(64)), "image-pull-policy")).isEmpty();
    }

    @Test
    void ingressesWithoutTlsAndMismatchedInstanceLabelsAreWarnings() {
        String ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n"
                + "  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]\n";
        assertThat(findings(ingress, "ingress-tls")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.WARNING);
        assertThat(findings(ingress + "  tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n", "ingress-tls")).isEmpty();

        assertThat(findings(CLEAN, "instance-label")).isEmpty();
        String copied = CLEAN.replace("app.kubernetes.io/instance: web", "app.kubernetes.io/instance: api");
        assertThat(findings(copied, "instance-label")).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(5);
            assertThat(f.message()).endsWith("has label app.kubernetes.io/instance=api, not its name web");
        });
    }

    @Test
    void nakedPodsAndWorkloadsWithoutAPriorityClassAreWarnings() {
        assertThat(findings(pod("", ""), "naked-pod")).singleElement().extracting(ManifestFinding::line).isEqualTo(2);
        assertThat(findings(CLEAN, "naked-pod")).isEmpty();
        assertThat(findings(CLEAN, "priority-class")).isEmpty();
        assertThat(findings(CLEAN.replace("      priorityClassName: business\n", ""), "priority-class")).singleElement()
                .extracting(ManifestFinding::path).isEqualTo("spec.template.spec");
        String knative = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec:\n  template:\n"
                + "    spec:\n      containers: [{image: 'ghcr.io/x/hello:1.0'}]\n";
        assertThat(findings(knative, "priority-class")).isEmpty();
    }

    @Test
    void networkPoliciesMustSelectThePodsAndIsolateBothDirections() {
        String withoutPolicy = CLEAN.substring(0, CLEAN.indexOf("---\napiVersion: networking.k8s.io/v1"));
        assertThat(findings(withoutPolicy, "network-policy")).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(10);
            assertThat(f.message()).endsWith("no NetworkPolicy selects its pods");
        });
        assertThat(findings(CLEAN, "network-policy")).isEmpty();
        assertThat(findings(CLEAN.replace("podSelector: {matchLabels: {app: web}}", "podSelector: {matchLabels: {app: api}}"),
                "network-policy")).hasSize(1);
        assertThat(findings(CLEAN.replace("podSelector: {matchLabels: {app: web}}", "podSelector: {}"), "network-policy")).isEmpty();
        // without policyTypes a policy with no egress rules isolates ingress only
        String ingressOnly = CLEAN.replace("  policyTypes: [Ingress, Egress]\n", "").replace("  egress: [{ports: [{port: 53, protocol: UDP}]}]\n", "");
        assertThat(findings(ingressOnly, "network-policy")).isEmpty();
        assertThat(findings(ingressOnly, "network-policy-partial")).singleElement().extracting(ManifestFinding::message).asString()
                .endsWith("NetworkPolicies select its pods but none restricts their egress");
        assertThat(findings(CLEAN, "network-policy-partial")).isEmpty();
    }

    @Test
    void disruptionBudgetsMustExistAllowADisruptionAndStayBelowTheAutoscalerMinimum() {
        String withoutPdb = CLEAN.replace("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n"
                + "spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n---\n", "");
        assertThat(findings(withoutPdb, "pod-disruption-budget")).singleElement().extracting(ManifestFinding::line).isEqualTo(6);
        assertThat(findings(withoutPdb.replace("replicas: 3", "replicas: 1"), "pod-disruption-budget")).isEmpty();
        assertThat(findings(CLEAN, "pod-disruption-budget")).isEmpty();

        assertThat(findings(CLEAN.replace("maxUnavailable: 1", "maxUnavailable: 0"), "pdb-disruption")).singleElement()
                .extracting(ManifestFinding::message).asString().endsWith("no pod may be evicted, node drains hang");
        assertThat(findings(CLEAN.replace("maxUnavailable: 1", "minAvailable: 100%"), "pdb-disruption")).hasSize(1);
        assertThat(findings(CLEAN.replace("maxUnavailable: 1, ", ""), "pdb-disruption")).singleElement()
                .extracting(ManifestFinding::message).asString().endsWith("sets neither minAvailable nor maxUnavailable");
        assertThat(findings(CLEAN.replace("maxUnavailable: 1", "minAvailable: 3"), "pdb-disruption")).singleElement()
                .extracting(ManifestFinding::message).asString().contains("not below the 3 replicas of Deployment web (k8s/app.yaml:1)");
        assertThat(findings(CLEAN.replace("maxUnavailable: 1", "minAvailable: 2"), "pdb-disruption")).isEmpty();

        String hpa = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
                + "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}\n";
        String autoscaled = CLEAN.replace("  replicas: 3\n", "") + hpa;
        assertThat(findings(autoscaled.replace("maxUnavailable: 1", "minAvailable: 2"), "pdb-hpa-min")).singleElement()
                .extracting(ManifestFinding::message).asString().contains("not below minReplicas 2 of HorizontalPodAutoscaler web");
        assertThat(findings(autoscaled.replace("maxUnavailable: 1", "minAvailable: 1"), "pdb-hpa-min")).isEmpty();
        assertThat(findings(autoscaled.replace("maxUnavailable: 1", "minAvailable: 2"), "pdb-disruption")).isEmpty();
    }

    @Test
    void controllersSelectingEachOthersPodsAreFoundAcrossFilesAtTheLaterOne() {
        String rs = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-old}\nspec:\n  replicas: 2\n"
                + "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, tier: old}}\n"
                + "    spec: {containers: [{name: app, image: 'nginx:1.27'}]}\n";
        ValidationResult r = validateFiles(Map.of("k8s/a-web.yaml", CLEAN, "k8s/b-old.yaml", rs));
        assertThat(r.findings().stream().filter(f -> f.ruleId().equals("controller-overlap"))).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("k8s/b-old.yaml");
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.message()).contains("and Deployment web (k8s/a-web.yaml:1) select the same pods");
        });
        String apart = rs.replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: web, tier: old}}");
        assertThat(validateFiles(Map.of("k8s/a-web.yaml", CLEAN.replace("{app: web}}\n  template", "{app: web, tier: new}}\n  template")
                .replace("metadata: {labels: {app: web}}", "metadata: {labels: {app: web, tier: new}}"), "k8s/b-old.yaml", apart))
                .findings()).noneMatch(f -> f.ruleId().equals("controller-overlap"));
    }

    @Test
    void budgetsPoliciesAndAutoscalersInOtherFilesCountAndFindingsNameTheOtherFile() {
        int split = CLEAN.indexOf("---\napiVersion: policy/v1");
        String deployment = CLEAN.substring(0, split).replace("  replicas: 3\n", "");
        String guards = CLEAN.substring(split + 4).replace("maxUnavailable: 1", "minAvailable: 2")
                + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
                + "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}\n";
        ValidationResult r = validateFiles(Map.of("k8s/deployment.yaml", deployment, "k8s/guards.yaml", guards));
        assertThat(r.findings()).noneMatch(f -> List.of("pod-disruption-budget", "network-policy", "network-policy-partial",
                "deployment-replicas").contains(f.ruleId()));
        assertThat(r.findings().stream().filter(f -> f.ruleId().equals("pdb-hpa-min"))).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("k8s/guards.yaml");
            assertThat(f.line()).isEqualTo(4);
            assertThat(f.message()).contains("HorizontalPodAutoscaler web (k8s/guards.yaml:15) scaling Deployment web");
        });
    }

    @Test
    void resourceRequestsAboveLimitsAreErrorsAndImplausibleQuantitiesWarnings() {
        assertThat(findings(CLEAN, "resource-ranges")).isEmpty();
        assertThat(findings(CLEAN.replace("memory: 64Mi}", "memory: 256Mi}"), "resource-ranges")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.path()).isEqualTo("spec.template.spec.containers[0].resources.requests.memory");
            assertThat(f.message()).contains("requests memory 256Mi, above its limit 128Mi");
        });
        assertThat(findings(CLEAN.replace("cpu: 100m", "cpu: 500"), "resource-ranges")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("requests cpu 500, more than 64 cores");
        });
        assertThat(findings(CLEAN.replace("memory: 128Mi", "memory: 512m").replace("memory: 64Mi", "memory: 256m"), "resource-ranges"))
                .extracting(ManifestFinding::message).anySatisfy(m -> assertThat(m).contains("limits memory 512m, less than 4Mi"));
        assertThat(findings(CLEAN.replace("memory: 128Mi", "memory: 4Ti"), "resource-ranges")).singleElement()
                .extracting(ManifestFinding::message).asString().contains("more than 1Ti");
    }

    @Test
    void configMapEntriesHoldingCredentialsAreErrorsAtTheirKey() {
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n  LOG_LEVEL: debug\n  %s\n";
        assertThat(findings(cm.formatted("DB_HOST: db.shop.svc"), "sensitive-configmap")).isEmpty();
        assertThat(findings(cm.formatted("DB_PASSWORD: ${DB_PASSWORD}"), "sensitive-configmap")).isEmpty();
        assertThat(findings(cm.formatted("DB_PASSWORD: \"q8Xz2LrT9vKpW4mN\""), "sensitive-configmap")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.message()).contains("entry DB_PASSWORD holds a high-entropy value assigned to a secret name");
        });
        // a provider token inside a properties file, whatever its key
        String props = "application.properties: |\n    server.port=8080\n    github.client=ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY2z4A";
        assertThat(findings(cm.formatted(props), "sensitive-configmap")).singleElement().extracting(ManifestFinding::message)
                .asString().contains("GitHub token");
    }

    @Test
    void topologySpreadIsAskedOfReplicatedWorkloadsAndInvalidConstraintsAreErrors() {
        String without = CLEAN.replace("      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, "
                + "whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}\n", "");
        assertThat(findings(without, "topology-spread")).singleElement().extracting(ManifestFinding::severity).isEqualTo(Severity.WARNING);
        assertThat(findings(without.replace("replicas: 3", "replicas: 1"), "topology-spread")).isEmpty();
        assertThat(findings(CLEAN.replace("maxSkew: 1", "maxSkew: 0"), "topology-spread")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.message()).contains("maxSkew must be 1 or more");
        });
        assertThat(findings(CLEAN.replace(", labelSelector: {matchLabels: {app: web}}", ""), "topology-spread")).singleElement()
                .extracting(ManifestFinding::message).asString().contains("has no labelSelector");
        assertThat(findings(pod("", ""), "topology-spread")).isEmpty();
    }

    @Test
    void rolesGrantingExecOrAttachAndBindingsToAllPowerfulRolesAreErrors() {
        String role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: debug}\n"
                + "rules:\n- {apiGroups: [''], resources: [pods, pods/log], verbs: [get, list]}\n- {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n";
        assertThat(findings(role, "rbac-pod-exec")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.path()).isEqualTo("rules[1].resources[0]");
            assertThat(f.line()).isEqualTo(6);
        });
        assertThat(findings(role.replace("[pods/exec], verbs: [create]", "[pods/exec], verbs: [list]"), "rbac-pod-exec")).isEmpty();
        assertThat(findings(role.replace("{name: debug}", "{name: edit}").replace("kind: Role", "kind: ClusterRole"), "rbac-pod-exec")).isEmpty();

        String all = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: everything}\n"
                + "rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n";
        String binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ci}\n"
                + "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}\n"
                + "subjects: [{kind: ServiceAccount, name: ci, namespace: shop}]\n";
        ValidationResult r = validateFiles(Map.of("k8s/role.yaml", all, "k8s/binding.yaml", binding));
        assertThat(r.findings().stream().filter(f -> f.ruleId().equals("cluster-admin-binding"))).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("k8s/binding.yaml");
            assertThat(f.line()).isEqualTo(4);
            assertThat(f.message()).contains("to ClusterRole everything (k8s/role.yaml:1), which grants every verb on every resource");
        });
        assertThat(validateFiles(Map.of("k8s/role.yaml", all.replace("verbs: ['*']", "verbs: [get]"), "k8s/binding.yaml", binding))
                .findings()).noneMatch(f -> f.ruleId().equals("cluster-admin-binding"));
        // the seven verbs written out are every verb, as Polaris reads them
        String sevenVerbs = all.replace("verbs: ['*']", "verbs: [get, list, watch, create, update, patch, delete]");
        assertThat(validateFiles(Map.of("k8s/role.yaml", sevenVerbs, "k8s/binding.yaml", binding)).findings())
                .filteredOn(f -> f.ruleId().equals("cluster-admin-binding")).hasSize(1);
    }

    @Test
    void sluiceYamlChangesOrSilencesEachNewRule() {
        String bare = pod("", "");
        ValidationResult raised = validate(bare, new ValidationSettings(false, Map.of("naked-pod", "error", "linux-hardening", "off")));
        assertThat(raised.findings()).filteredOn(f -> f.ruleId().equals("naked-pod")).singleElement()
                .extracting(ManifestFinding::severity).isEqualTo(Severity.ERROR);
        assertThat(raised.findings()).noneMatch(f -> f.ruleId().equals("linux-hardening"));
        assertThat(raised.passed()).isFalse();
        assertThat(validate(bare, new ValidationSettings(false, Map.of("naked-pods", "off"))).findings())
                .anySatisfy(f -> assertThat(f.message()).contains("names rule 'naked-pods', which does not exist"));
    }
}
