package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sluice.validate.rules.ValidationScope;

/**
 * How far Sluice agrees with kube-linter and kube-score on their own test manifests, per check Sluice implements
 * (fixtures/k8s/*&#47;expected.tsv), and that real manifests (microservices-demo, the Knative docs samples)
 * get no false errors. Each fixture file is validated on its own, as the tools' tests do. The table is printed;
 * the floors asserted are the figures measured when the rules were written, so a rule that drifts fails here.
 */
class AgreementTest {
    private static final ValidationScope NO_ENVIRONMENT = new ValidationScope(null, null);

    /** kube-linter check -> the Sluice rules that find the same thing. */
    static final Map<String, Set<String>> KUBE_LINTER = new LinkedHashMap<>();
    /** kube-score check -> the Sluice rules that find the same thing. */
    static final Map<String, Set<String>> KUBE_SCORE = new LinkedHashMap<>();

    static {
        KUBE_LINTER.put("cluster-admin-role-binding", Set.of("cluster-admin-binding"));
        KUBE_LINTER.put("dangling-service", Set.of("service-selector"));
        KUBE_LINTER.put("docker-sock", Set.of("host-path"));
        KUBE_LINTER.put("drop-net-raw-capability", Set.of("drop-capabilities"));
        KUBE_LINTER.put("duplicate-env-var", Set.of("duplicate-env"));
        KUBE_LINTER.put("env-var-secret", Set.of("env-secret"));
        KUBE_LINTER.put("host-ipc", Set.of("host-namespaces"));
        KUBE_LINTER.put("host-network", Set.of("host-namespaces"));
        KUBE_LINTER.put("host-pid", Set.of("host-namespaces"));
        KUBE_LINTER.put("latest-tag", Set.of("image-tag"));
        KUBE_LINTER.put("liveness-port", Set.of("probe-port"));
        KUBE_LINTER.put("mismatching-selector", Set.of("selector-mismatch"));
        KUBE_LINTER.put("no-extensions-v1beta", Set.of("deprecated-api"));
        KUBE_LINTER.put("no-liveness-probe", Set.of("liveness-probe"));
        KUBE_LINTER.put("no-read-only-root-fs", Set.of("read-only-root-fs"));
        KUBE_LINTER.put("no-readiness-probe", Set.of("readiness-probe"));
        KUBE_LINTER.put("non-isolated-pod", Set.of("network-policy"));
        // a minAvailable the replicas (or, autoscaled, the autoscaler's minimum) cannot stay above
        KUBE_LINTER.put("pdb-min-available", Set.of("pdb-disruption", "pdb-hpa-min"));
        KUBE_LINTER.put("privilege-escalation-container", Set.of("privilege-escalation"));
        KUBE_LINTER.put("privileged-container", Set.of("privileged"));
        KUBE_LINTER.put("readiness-port", Set.of("probe-port"));
        KUBE_LINTER.put("run-as-non-root", Set.of("run-as-non-root"));
        KUBE_LINTER.put("schema-validation", Set.of("schema"));
        KUBE_LINTER.put("sensitive-host-mounts", Set.of("host-path"));
        KUBE_LINTER.put("startup-port", Set.of("probe-port"));
        // kube-linter's kubeconform template: the API schema check, like schema-validation on the same file
        KUBE_LINTER.put("template-kubeconform", Set.of("schema"));
        KUBE_LINTER.put("unsafe-proc-mount", Set.of("proc-mount"));
        KUBE_LINTER.put("unset-cpu-requirements", Set.of("resources"));
        KUBE_LINTER.put("unset-memory-requirements", Set.of("resources"));
        KUBE_LINTER.put("wildcard-in-rules", Set.of("rbac-wildcard"));
        KUBE_LINTER.put("writable-host-mount", Set.of("host-path"));

        KUBE_SCORE.put("Container Image Pull Policy", Set.of("image-pull-policy"));
        KUBE_SCORE.put("Container Image Tag", Set.of("image-tag"));
        KUBE_SCORE.put("Container Resources", Set.of("resources"));
        KUBE_SCORE.put("Deployment Replicas", Set.of("deployment-replicas"));
        KUBE_SCORE.put("Deployment targeted by HPA does not have replicas configured", Set.of("deployment-replicas"));
        KUBE_SCORE.put("Deployment has PodDisruptionBudget", Set.of("pod-disruption-budget"));
        KUBE_SCORE.put("StatefulSet has PodDisruptionBudget", Set.of("pod-disruption-budget"));
        KUBE_SCORE.put("PodDisruptionBudget has policy", Set.of("pdb-disruption"));
        KUBE_SCORE.put("HorizontalPodAutoscaler Replicas", Set.of("hpa-replicas"));
        KUBE_SCORE.put("Pod NetworkPolicy", Set.of("network-policy", "network-policy-partial"));
        KUBE_SCORE.put("Pod Topology Spread Constraints", Set.of("topology-spread"));
        KUBE_SCORE.put("Pod Probes", Set.of("liveness-probe", "readiness-probe"));
        KUBE_SCORE.put("Pod Probes Identical", Set.of("identical-probes"));
        KUBE_SCORE.put("Service Targets Pod", Set.of("service-selector"));
        KUBE_SCORE.put("Stable version", Set.of("deprecated-api"));
        KUBE_SCORE.put("StatefulSet Pod Selector labels match template metadata labels", Set.of("selector-mismatch"));
    }

    /** Polaris check -> the Sluice rules that find the same thing (fixtures/k8s/polaris/checks/<check>/). */
    static final Map<String, Set<String>> POLARIS = new LinkedHashMap<>();

    static {
        POLARIS.put("automountServiceAccountToken", Set.of("automount-service-account-token"));
        POLARIS.put("clusterrolebindingClusterAdmin", Set.of("cluster-admin-binding"));
        POLARIS.put("hostPortSet", Set.of("host-port"));
        POLARIS.put("hostProcess", Set.of("host-process"));
        POLARIS.put("hpaMaxAvailability", Set.of("hpa-replicas"));
        POLARIS.put("hpaMinAvailability", Set.of("hpa-replicas"));
        POLARIS.put("linuxHardening", Set.of("linux-hardening"));
        POLARIS.put("metadataAndInstanceMismatched", Set.of("instance-label"));
        POLARIS.put("missingNetworkPolicy", Set.of("network-policy", "network-policy-partial"));
        POLARIS.put("priorityClassNotSet", Set.of("priority-class"));
        POLARIS.put("privilegeEscalationAllowed", Set.of("privilege-escalation"));
        POLARIS.put("procMount", Set.of("proc-mount"));
        POLARIS.put("pullPolicyNotAlways", Set.of("image-pull-policy"));
        POLARIS.put("rolePodExecAttach", Set.of("rbac-pod-exec"));
        POLARIS.put("sensitiveConfigmapContent", Set.of("sensitive-configmap"));
        POLARIS.put("tlsSettingsMissing", Set.of("ingress-tls"));
        POLARIS.put("topologySpreadConstraint", Set.of("topology-spread"));
    }

    /** One line of the table. */
    record Agreement(String check, int expected, int sluice, double percent) {
    }

    private final Map<Path, ValidationResult> cache = new HashMap<>();

    private ValidationResult validate(Path file) {
        return cache.computeIfAbsent(file, f -> {
            try {
                ManifestFile mf = ManifestFile.of(f.getFileName().toString(), Files.readAllBytes(f));
                return OfflineValidator.create().validate(List.of(), List.of(mf), NO_ENVIRONMENT, ValidationSettings.DEFAULTS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private int count(Path file, Set<String> rules) {
        return (int) validate(file).findings().stream().filter(f -> rules.contains(f.ruleId())).count();
    }

    private static List<String[]> rows(String tsv) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(Fixtures.dir(tsv));
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** kube-linter: per check, the reports it expects against Sluice's findings, file by file (min/max overlap). */
    List<Agreement> kubeLinter() throws IOException {
        Map<String, int[]> totals = new LinkedHashMap<>(); // expected, sluice, overlap, union
        Path checks = Fixtures.dir("k8s/kube-linter/checks");
        for (String[] row : rows("k8s/kube-linter/expected.tsv")) {
            String check = row[0];
            Set<String> rules = KUBE_LINTER.get(check);
            if (rules == null || row[2].isBlank()) {
                continue;
            }
            int expected = Integer.parseInt(row[2]);
            int sluice = count(checks.resolve(row[1]), rules);
            int[] t = totals.computeIfAbsent(check, k -> new int[4]);
            t[0] += expected;
            t[1] += sluice;
            t[2] += Math.min(expected, sluice);
            t[3] += Math.max(expected, sluice);
        }
        List<Agreement> table = new ArrayList<>();
        totals.forEach((check, t) -> table.add(new Agreement(check, t[0], t[1], t[3] == 0 ? 100 : 100.0 * t[2] / t[3])));
        return table;
    }

    /** kube-score: per check, the files it grades Warning/Critical against the files where Sluice finds something. */
    List<Agreement> kubeScore() throws IOException {
        Map<String, int[]> totals = new LinkedHashMap<>(); // flagged expected, flagged by sluice, rows agreeing, rows
        Path testdata = Fixtures.dir("k8s/kube-score/testdata");
        for (String[] row : rows("k8s/kube-score/expected.tsv")) {
            Set<String> rules = KUBE_SCORE.get(row[1]);
            if (rules == null) {
                continue;
            }
            boolean expected = !row[2].equals("GradeAllOK");
            boolean sluice = count(testdata.resolve(row[0]), rules) > 0;
            int[] t = totals.computeIfAbsent(row[1], k -> new int[4]);
            t[0] += expected ? 1 : 0;
            t[1] += sluice ? 1 : 0;
            t[2] += expected == sluice ? 1 : 0;
            t[3]++;
        }
        List<Agreement> table = new ArrayList<>();
        totals.forEach((check, t) -> table.add(new Agreement(check, t[0], t[1], 100.0 * t[2] / t[3])));
        return table;
    }

    /**
     * Polaris: per check, its own test manifests (failure.*.yaml must fail the check, success.*.yaml pass it) against
     * whether Sluice finds something with the mapped rules; agreement = files agreeing / files.
     */
    List<Agreement> polaris() throws IOException {
        List<Agreement> table = new ArrayList<>();
        for (var check : POLARIS.entrySet()) {
            int failures = 0;
            int flagged = 0;
            int agreeing = 0;
            int files = 0;
            try (Stream<Path> list = Files.list(Fixtures.dir("k8s/polaris/checks/" + check.getKey()))) {
                for (Path f : list.sorted().toList()) {
                    boolean expected = f.getFileName().toString().startsWith("failure");
                    boolean sluice = count(f, check.getValue()) > 0;
                    failures += expected ? 1 : 0;
                    flagged += sluice ? 1 : 0;
                    agreeing += expected == sluice ? 1 : 0;
                    files++;
                }
            }
            table.add(new Agreement(check.getKey(), failures, flagged, 100.0 * agreeing / files));
        }
        return table;
    }

    static String render(String tool, String unit, List<Agreement> table) {
        StringBuilder out = new StringBuilder("\n" + tool + " (" + unit + ")\n");
        out.append(String.format("| %-62s | %8s | %6s | %6s |%n", "check", "expected", "sluice", "agree%"));
        for (Agreement a : table) {
            out.append(String.format("| %-62s | %8d | %6d | %5.0f%% |%n", a.check(), a.expected(), a.sluice(), a.percent()));
        }
        double overall = table.stream().mapToDouble(Agreement::percent).average().orElse(0);
        return out.append(String.format("overall (mean of checks): %.1f%%%n", overall)).toString();
    }

    @Test
    void sluiceAgreesWithKubeLinterOnItsOwnTestManifests() throws IOException {
        List<Agreement> table = kubeLinter();
        System.out.println(render("kube-linter", "reports per check, summed over its test files", table));
        assertFloors(table, KUBE_LINTER.size(), FLOOR_KUBE_LINTER, CHECK_FLOORS);
    }

    @Test
    void sluiceAgreesWithKubeScoreOnItsOwnTestManifests() throws IOException {
        List<Agreement> table = kubeScore();
        System.out.println(render("kube-score", "files graded Warning/Critical per check", table));
        assertFloors(table, KUBE_SCORE.size(), FLOOR_KUBE_SCORE, CHECK_FLOORS);
    }

    @Test
    void sluiceAgreesWithPolarisOnItsOwnTestManifests() throws IOException {
        List<Agreement> table = polaris();
        System.out.println(render("Polaris", "failure.* files its check fails, success.* files it passes", table));
        assertFloors(table, POLARIS.size(), FLOOR_POLARIS, POLARIS_FLOORS);
    }

    /** Every mapped check has a line, the mean is at its floor, and each check at its own (100% unless listed). */
    private static void assertFloors(List<Agreement> table, int checks, double mean, Map<String, Double> floors) {
        assertThat(table).hasSize(checks);
        assertThat(table.stream().mapToDouble(Agreement::percent).average().orElse(0)).isGreaterThanOrEqualTo(mean);
        for (Agreement a : table) {
            assertThat(a.percent()).as(a.check()).isGreaterThanOrEqualTo(floors.getOrDefault(a.check(), 100.0));
        }
    }

    @Test
    void theMicroservicesDemoHasNoErrors() {
        ValidationResult r = OfflineValidator.validate(Fixtures.dir("k8s/microservices-demo"), NO_ENVIRONMENT);

        System.out.println(byRule("microservices-demo", r.findings()));
        assertThat(r.findings().stream().filter(f -> f.severity() == Severity.ERROR).map(ManifestFinding::located)).isEmpty();
        assertThat(r.objects()).hasSize(35);
    }

    /**
     * The one error in the Knative docs samples is true: the tag-header tutorial writes the same Service twice
     * (apply one, then the other); as one commit's desired state that is ambiguous, and deploy would drop one.
     */
    static final List<String> KNATIVE_DOCS_TRUE_ERRORS = List.of(
            "serving_tag-header-based-routing_sample.yaml:30: Service default/tag-header is defined twice: here and at serving_tag-header-based-routing_sample.yaml:14");

    @Test
    void everyKnativeDocsSampleHasNoFalseErrors() throws IOException {
        List<String> errors = new ArrayList<>();
        List<ManifestFinding> all = new ArrayList<>();
        int objects = 0;
        try (Stream<Path> files = Files.list(Fixtures.dir("k8s/knative-docs"))) {
            for (Path f : files.sorted().toList()) {
                ValidationResult r = validate(f);
                objects += r.objects().size();
                all.addAll(r.findings());
                r.findings().stream().filter(x -> x.severity() == Severity.ERROR).forEach(x -> errors.add(x.located()));
            }
        }
        System.out.println(byRule("Knative docs samples", all));
        assertThat(errors).containsExactlyElementsOf(KNATIVE_DOCS_TRUE_ERRORS);
        assertThat(objects).isGreaterThanOrEqualTo(49);
    }

    /** "title: rule severity count, ..." for the test output (what the README's figures come from). */
    static String byRule(String title, List<ManifestFinding> findings) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        findings.forEach(f -> counts.merge(f.ruleId() + " " + f.severity().label(), 1L, Long::sum));
        return "\n" + title + " findings by rule: " + counts;
    }

    // Measured when the rules were written; every other check agrees 100%.
    static final double FLOOR_KUBE_LINTER = 98.3;
    static final double FLOOR_KUBE_SCORE = 96.8;
    static final double FLOOR_POLARIS = 86.0;
    // Where Sluice reads the check otherwise than Polaris, on purpose; every other Polaris check agrees 100%.
    static final Map<String, Double> POLARIS_FLOORS = Map.of(
            // an unwritten minReplicas is the default 1: Sluice says so (success.minAvailabilityAbsent)
            "hpaMaxAvailability", 66.6,
            // a workload without the instance label passes (failure.unspecified); only a label naming another object fails
            "metadataAndInstanceMismatched", 66.6,
            // a policy of both types with no ingress or egress rules denies that traffic: isolated, not missing
            "missingNetworkPolicy", 66.6,
            // allowPrivilegeEscalation is no field of the pod's securityContext (success.pod_no_cont)
            "privilegeEscalationAllowed", 85.7,
            // an untagged image is pulled Always by default, as kube-score reads it (failure.yaml, failure.cron-job)
            "pullPolicyNotAlways", 60.0,
            // common's credential recognition wants a value that looks like one: xxxxx placeholders and a
            // six-character password under a secret name pass; a private key is found
            "sensitiveConfigmapContent", 42.8,
            // a constraint without a labelSelector counts no pods (kube-score grades it critical; success.yaml)
            "topologySpreadConstraint", 75.0);
    static final Map<String, Double> CHECK_FLOORS = Map.of(
            // host-path flags every hostPath volume, kube-linter's docker-sock only the docker socket
            "docker-sock", 50.0,
            // kube-score asks for probes only on pods a Service targets; Sluice (like kube-linter and Polaris) on all
            "Pod Probes", 60.0,
            // kube-score accepts batch/v1beta1 CronJob; Kubernetes 1.25 removed it
            "Stable version", 90.0);
}
