package dev.sluice.validate.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestRunnerException;
import dev.sluice.validate.tests.TestRunner.TestStatus;

/**
 * The Kubernetes runner against fabric8's mock server (CRUD mode: what is created can be read back; the pod, its
 * status and its log are what the test puts there, as the Job controller and kubelet of a real cluster would). Pod logs
 * come from expectations on the log path. The logs with reports are made by the real {@link PodLogReports#WRAPPER}
 * script, run with this machine's {@code sh} over report files the test writes.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesTestRunnerTest {
    static final String NS = "sluice-tests";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    KubernetesClient client;
    KubernetesMockServer server;

    KubernetesTestRunner runner;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() {
        runner = new KubernetesTestRunner(client, NS, "docker.io/alpine/git:2.45.2", 3600, 64 * 1024);
    }

    @AfterEach
    void clear() {
        server.clearExpectations();
    }

    static SluiceSettings.Tests tests(boolean network) {
        return new SluiceSettings.Tests("docker.io/library/maven:3.9-eclipse-temurin-21", List.of("mvn -B verify"), "15m", "2",
                "3Gi", SluiceSettings.DEFAULT_TEST_REPORTS, network);
    }

    static TestJob job(String handle, boolean network) {
        return new TestJob(handle, UUID.fromString("5f0c4a1e-8d4b-4c55-9a51-1c2b3d4e5f60"), 2, "https://github.com/acme/shop.git",
                SHA, tests(network));
    }

    @Test
    void theJobHasNoTokenLimitsACheckoutInitContainerAReadOnlySourceADeadlineLabelsAndTheNetworkPolicy() {
        String said = runner.start(job("sluice-tests-abc-2", false));

        assertThat(said).contains("sluice-tests-abc-2", NS, "port 443");
        Job j = client.batch().v1().jobs().inNamespace(NS).withName("sluice-tests-abc-2").get();
        assertThat(j).isNotNull();
        assertThat(j.getMetadata().getLabels()).containsEntry("sluice.dev/run", "5f0c4a1e-8d4b-4c55-9a51-1c2b3d4e5f60")
                .containsEntry("sluice.dev/attempt", "2");
        assertThat(j.getSpec().getBackoffLimit()).isZero();
        assertThat(j.getSpec().getActiveDeadlineSeconds()).isEqualTo(900L);
        assertThat(j.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        var template = j.getSpec().getTemplate();
        assertThat(template.getMetadata().getLabels()).containsEntry("sluice.dev/run", "5f0c4a1e-8d4b-4c55-9a51-1c2b3d4e5f60")
                .containsEntry("sluice.dev/attempt", "2").containsEntry("sluice.dev/tests-network", "sluice-tests-git-443");
        PodSpec pod = template.getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactlyInAnyOrder("src", "work");

        assertThat(pod.getInitContainers()).hasSize(1);
        Container checkout = pod.getInitContainers().get(0);
        assertThat(checkout.getImage()).isEqualTo("docker.io/alpine/git:2.45.2");
        assertThat(checkout.getCommand()).containsExactly("sh", "-c", PodLogReports.CHECKOUT);
        assertThat(checkout.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SLUICE_REPOSITORY");
            assertThat(e.getValue()).isEqualTo("https://github.com/acme/shop.git");
        }).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SLUICE_SHA");
            assertThat(e.getValue()).isEqualTo(SHA);
        });
        assertThat(checkout.getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo("src");
            assertThat(m.getMountPath()).isEqualTo("/src");
            assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(checkout.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(checkout.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        assertThat(pod.getContainers()).hasSize(1);
        Container tests = pod.getContainers().get(0);
        assertThat(tests.getImage()).isEqualTo("docker.io/library/maven:3.9-eclipse-temurin-21");
        assertThat(tests.getCommand()).containsExactly("sh", "-c", PodLogReports.WRAPPER, "sluice-tests", "sh", "-c", "mvn -B verify");
        assertThat(tests.getResources().getLimits()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("3Gi"));
        assertThat(tests.getResources().getRequests()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("3Gi"));
        assertThat(tests.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(tests.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(tests.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("src");
            assertThat(m.getMountPath()).isEqualTo("/src");
            assertThat(m.getReadOnly()).isTrue();
        }).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("work");
            assertThat(m.getMountPath()).isEqualTo("/work");
            assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(tests.getWorkingDir()).isEqualTo("/work");

        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(NS).withName("sluice-tests-git-443").get();
        assertThat(policy).isNotNull();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsExactly(Map.entry("sluice.dev/tests-network",
                "sluice-tests-git-443"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        assertThat(policy.getSpec().getEgress()).flatExtracting(e -> e.getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/443");
        assertThat(policy.getSpec().getEgress()).allSatisfy(e -> assertThat(e.getTo()).isNullOrEmpty());
    }

    @Test
    void aListCommandRunsAsItsArgumentsAndTheGitPortFollowsTheUrl() {
        var t = new SluiceSettings.Tests("python:3.12", List.of("python", "-m", "pytest", "--junitxml=report.xml"), "90s", "500m",
                "512Mi", List.of("report.xml"), false);
        runner.start(new TestJob("sluice-tests-ssh-1", UUID.randomUUID(), 1, "ssh://git.example.com:2222/acme/shop.git", SHA, t));

        Job j = client.batch().v1().jobs().inNamespace(NS).withName("sluice-tests-ssh-1").get();
        assertThat(j.getSpec().getActiveDeadlineSeconds()).isEqualTo(90L);
        assertThat(j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand()).endsWith("sluice-tests", "python", "-m",
                "pytest", "--junitxml=report.xml");
        assertThat(j.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("sluice.dev/tests-network", "sluice-tests-git-2222");
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).withName("sluice-tests-git-2222").get()).isNotNull();
        assertThat(KubernetesTestRunner.gitPort("git@github.com:acme/shop.git")).isEqualTo(22);
        assertThat(KubernetesTestRunner.gitPort("http://git.internal/acme/shop.git")).isEqualTo(80);
    }

    @Test
    void withNetworkTheJobHasNoRestrictionLabelAndNoPolicyIsMade() {
        runner.start(job("sluice-tests-net-1", true));

        Job j = client.batch().v1().jobs().inNamespace(NS).withName("sluice-tests-net-1").get();
        assertThat(j.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("sluice.dev/tests-network");
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void aRedeliveredStartCreatesNothingNew() {
        runner.start(job("sluice-tests-again-1", false));
        Job first = client.batch().v1().jobs().inNamespace(NS).withName("sluice-tests-again-1").get();
        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(NS).withName("sluice-tests-git-443").get();

        String again = runner.start(job("sluice-tests-again-1", false));

        assertThat(again).contains("exists already", "nothing new started");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("sluice-tests-again-1").get().getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems()).singleElement()
                .satisfies(p -> assertThat(p.getMetadata().getResourceVersion()).isEqualTo(policy.getMetadata().getResourceVersion()));
    }

    @Test
    void aRepositoryOnValidatesDiskCannotBeClonedInTheCluster() {
        var local = new TestJob("sluice-tests-local-1", UUID.randomUUID(), 1, "/tmp/repo", SHA, tests(false));
        assertThatThrownBy(() -> runner.start(local)).isInstanceOf(TestRunnerException.class)
                .hasMessageContaining("a path on validate's machine");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void aFailedJobWhosePodLogHoldsFailingReportsIsFailedWithTheTestNames() throws Exception {
        TestJob job = job("sluice-tests-fail-1", false);
        runner.start(job);
        String log = wrapperLog(Map.of("target/surefire-reports/TEST-shop.CartTest.xml", CART_FAILING), "echo compiling; exit 1");
        ended(job, "Failed", "BackoffLimitExceeded", 1, log);

        TestStatus status = runner.status(job);

        assertThat(status).isInstanceOf(TestStatus.Finished.class);
        TestStatus.Finished f = (TestStatus.Finished) status;
        assertThat(f.outcome()).isEqualTo(TestsOutcome.FAILED);
        assertThat(f.exitCode()).isEqualTo(1);
        assertThat(f.reason()).startsWith("2 of 3 tests failed: CartTest.addsTwo (expected: <2> but was: <3>), CartTest.totals (boom)");
        assertThat(f.report().total()).isEqualTo(3);
        assertThat(f.report().failures()).extracting(dev.sluice.tests.TestReport.TestFailure::name).containsExactly("addsTwo", "totals");
        assertThat(f.report().files()).containsExactly("target/surefire-reports/TEST-shop.CartTest.xml");
        assertThat(f.endedAt()).isEqualTo(java.time.Instant.parse("2026-12-06T12:00:00Z"));
        assertThat(runner.status(job)).as("asked again").isEqualTo(status);
    }

    @Test
    void aCompleteJobWithPassingReportsPassed() throws Exception {
        TestJob job = job("sluice-tests-pass-1", false);
        runner.start(job);
        String log = wrapperLog(Map.of("target/surefire-reports/TEST-shop.CartTest.xml", CART_PASSING,
                "module/build/test-results/test/TEST-shop.Other.xml", OTHER_PASSING, "notes/not-a-report.xml", "<x/>"), "true");
        ended(job, "Complete", null, 0, log);

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.PASSED);
        assertThat(f.exitCode()).isZero();
        assertThat(f.report().total()).isEqualTo(3);
        assertThat(f.report().passed()).isEqualTo(3);
        assertThat(f.report().files()).containsExactlyInAnyOrder("target/surefire-reports/TEST-shop.CartTest.xml",
                "module/build/test-results/test/TEST-shop.Other.xml");
        assertThat(f.reason()).startsWith("3/3 tests passed in ");
    }

    @Test
    void aJobPastItsDeadlineTimedOut() {
        TestJob job = job("sluice-tests-slow-1", false);
        runner.start(job);
        ended(job, "Failed", "DeadlineExceeded", null, null);

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.TIMED_OUT);
        assertThat(f.reason()).contains("timeout of 15m");
        assertThat(runner.status(job)).isEqualTo(f);
    }

    @Test
    void anActiveJobIsRunning() {
        TestJob job = job("sluice-tests-busy-1", false);
        runner.start(job);
        Job j = client.batch().v1().jobs().inNamespace(NS).withName(job.handle()).get();
        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withActive(1)
                .withStartTime(java.time.Instant.now().minusSeconds(42).toString()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(j).updateStatus();

        TestStatus s = runner.status(job);

        assertThat(s).isInstanceOf(TestStatus.Running.class);
        assertThat(((TestStatus.Running) s).detail()).startsWith("running for 4");
    }

    @Test
    void aMalformedReportBlockIsAnErrorWithItsReason() throws Exception {
        TestJob job = job("sluice-tests-bad-1", false);
        runner.start(job);
        String log = "compiling\n##sluice## reports-begin files=1 encoding=base64\n##sluice## report report.xml\n"
                + "this is not base64!!\n##sluice## reports-end\n##sluice## exit-code 0\n";
        ended(job, "Complete", null, 0, log);

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).contains("malformed report block", "report.xml is not valid base64");
        assertThat(f.exitCode()).isZero();
    }

    @Test
    void aBlockThatNeverEndsIsAnError() throws Exception {
        TestJob job = job("sluice-tests-cut-1", false);
        runner.start(job);
        ended(job, "Failed", "BackoffLimitExceeded", 137, "##sluice## reports-begin files=1 encoding=base64\n##sluice## report r.xml\nPHg+\n");

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).contains("without Sluice's exit-code line", "exited 137");
    }

    @Test
    void reportsOverTheCapAreAnErrorWhenTheScriptFindsThem() throws Exception {
        TestJob job = job("sluice-tests-big-1", false);
        runner.start(job);
        String big = CART_PASSING.replace("<testsuite ", "<testsuite x=\"" + "y".repeat(70_000) + "\" ");
        ended(job, "Complete", null, 0, wrapperLog(Map.of("report.xml", big), "true"));

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);
        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).contains("too large", "max=65536");
    }

    @Test
    void aReportUnpackingPastTheCapIsAnErrorWithoutUnpackingIt() throws Exception {
        // a block the script would not have printed (a forged or older one): a gzip that unpacks past the cap
        TestJob bomb = job("sluice-tests-bomb-1", false);
        runner.start(bomb);
        byte[] zeros = gzip(new byte[1_000_000]);
        ended(bomb, "Complete", null, 0, "##sluice## reports-begin files=1 encoding=gzip+base64\n##sluice## report report.xml\n"
                + Base64.getMimeEncoder().encodeToString(zeros) + "\n##sluice## reports-end\n##sluice## exit-code 0\n");
        TestStatus.Finished g = (TestStatus.Finished) runner.status(bomb);
        assertThat(g.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(g.reason()).contains("unpack to more than the cap of 65536 bytes");
    }

    @Test
    void aReportThatIsNotXmlIsAnError() throws Exception {
        TestJob job = job("sluice-tests-xml-1", false);
        runner.start(job);
        ended(job, "Complete", null, 0, wrapperLog(Map.of("junit.xml", "<testsuite><testcase name='a'>"), "true"));

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).contains("the JUnit reports do not parse", "junit.xml");
    }

    @Test
    void aFailedCheckoutSaysSo() {
        TestJob job = job("sluice-tests-clone-1", false);
        runner.start(job);
        Job j = client.batch().v1().jobs().inNamespace(NS).withName(job.handle()).get();
        setCondition(j, "Failed", "BackoffLimitExceeded");
        Pod pod = pod(job, 128, null, true);
        client.pods().inNamespace(NS).resource(pod).create();
        client.pods().inNamespace(NS).resource(pod).updateStatus();
        server.expect().get().withPath(logPath(job.handle() + "-x1", "checkout", 20))
                .andReturn(200, "fatal: repository 'https://github.com/acme/shop.git/' not found\n").always();

        TestStatus.Finished f = (TestStatus.Finished) runner.status(job);

        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).isEqualTo("checking out " + SHA + " of https://github.com/acme/shop.git failed (exit 128): "
                + "fatal: repository 'https://github.com/acme/shop.git/' not found");
    }

    @Test
    void aMissingJobIsAnError() {
        TestStatus.Finished f = (TestStatus.Finished) runner.status(job("sluice-tests-gone-1", false));

        assertThat(f.outcome()).isEqualTo(TestsOutcome.ERROR);
        assertThat(f.reason()).isEqualTo("no test Job sluice-tests-gone-1 in sluice-tests (removed or never started)");
    }

    @Test
    void stopDeletesTheJobAndKeepsThePolicy() throws Exception {
        TestJob job = job("sluice-tests-stop-1", false);
        runner.start(job);

        runner.stop(job);

        var delete = server.getLastRequest();
        assertThat(delete.getMethod()).isEqualTo("DELETE");
        assertThat(delete.getPath()).isEqualTo("/apis/batch/v1/namespaces/sluice-tests/jobs/sluice-tests-stop-1");
        assertThat(delete.getBody().readUtf8()).contains("\"propagationPolicy\":\"Background\"");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(job.handle()).get()).isNull();
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).withName("sluice-tests-git-443").get()).isNotNull();
        runner.stop(job); // gone already: nothing to do
    }

    @Test
    void unavailableSaysWhyWithoutAClusterAndNothingWithOne(@TempDir Path home) throws IOException {
        Optional<String> why = KubernetesTestRunner.notConfigured(Map.of(), home, Optional.empty());
        assertThat(why).hasValueSatisfying(w -> assertThat(w).contains("no Kubernetes cluster is configured",
                "not running in a pod", "no ~/.kube/config"));
        assertThat(KubernetesTestRunner.notConfigured(Map.of("KUBECONFIG", home.resolve("nope").toString()), home, Optional.empty()))
                .hasValueSatisfying(w -> assertThat(w).contains("names no file"));
        assertThat(KubernetesTestRunner.notConfigured(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home, Optional.empty())).isEmpty();
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        assertThat(KubernetesTestRunner.notConfigured(Map.of(), home, Optional.empty())).isEmpty();

        assertThat(runner.unavailable()).as("the mock server answers").isEmpty();
        KubernetesClient nowhere = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0).build()).build();
        try (nowhere) {
            assertThat(new KubernetesTestRunner(nowhere, NS, "git", 3600, 1024).unavailable())
                    .hasValueSatisfying(w -> assertThat(w).contains("http://127.0.0.1:1", "cannot be reached"));
        }
    }

    // --- what a cluster would do: end the Job, run the pod, keep its log ---

    private void ended(TestJob job, String type, String reason, Integer exitCode, String log) {
        Job j = client.batch().v1().jobs().inNamespace(NS).withName(job.handle()).get();
        setCondition(j, type, reason);
        if (log != null) {
            Pod pod = pod(job, 0, exitCode, false);
            client.pods().inNamespace(NS).resource(pod).create();
            client.pods().inNamespace(NS).resource(pod).updateStatus();
            server.expect().get().withPath(logPath(pod.getMetadata().getName(), "tests", PodLogReports.window(64 * 1024) / 60))
                    .andReturn(200, log).always();
        }
    }

    private void setCondition(Job j, String type, String reason) {
        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                .addNewCondition().withType(type).withStatus("True").withReason(reason)
                .withLastTransitionTime("2026-12-06T12:00:00Z").endCondition().build());
        client.batch().v1().jobs().inNamespace(NS).resource(j).updateStatus();
    }

    private Pod pod(TestJob job, int checkoutExit, Integer testsExit, boolean checkoutFailed) {
        var b = new PodBuilder().withNewMetadata().withName(job.handle() + "-x1").withNamespace(NS)
                .addToLabels("sluice.dev/test-job", job.handle()).withCreationTimestamp("2026-12-06T11:50:00Z").endMetadata()
                .withNewStatus().withPhase(checkoutFailed || testsExit != 0 ? "Failed" : "Succeeded")
                .addNewInitContainerStatus().withName("checkout").withNewState().withNewTerminated().withExitCode(checkoutExit)
                .endTerminated().endState().endInitContainerStatus();
        if (!checkoutFailed) {
            b = b.addNewContainerStatus().withName("tests").withNewState().withNewTerminated().withExitCode(testsExit)
                    .endTerminated().endState().endContainerStatus();
        }
        return b.endStatus().build();
    }

    static String logPath(String pod, String container, int tailLines) {
        return "/api/v1/namespaces/" + NS + "/pods/" + pod + "/log?pretty=false&container=" + container + "&tailLines=" + tailLines;
    }

    /** Runs the real wrapper script with this machine's sh over a source folder holding these files. */
    private String wrapperLog(Map<String, String> files, String command) throws Exception {
        Path src = Files.createTempDirectory(tmp, "src");
        Path work = Files.createTempDirectory(tmp, "work");
        for (var f : files.entrySet()) {
            Path p = src.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        List<String> patterns = SluiceSettings.DEFAULT_TEST_REPORTS.stream().flatMap(g -> PodLogReports.findPatterns(g).stream())
                .distinct().toList();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", PodLogReports.WRAPPER, "sluice-tests", "sh", "-c", command)
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_WORKDIR", work.toString(),
                "SLUICE_REPORT_PATTERNS", String.join("\n", patterns), "SLUICE_REPORTS_MAX_BYTES", String.valueOf(64 * 1024)));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static final String CART_FAILING = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="shop.CartTest" tests="3" failures="1" errors="1" skipped="0" time="0.042">
              <testcase name="addsOne" classname="shop.CartTest" time="0.01"/>
              <testcase name="addsTwo" classname="shop.CartTest" time="0.02">
                <failure message="expected: &lt;2&gt; but was: &lt;3&gt;" type="org.opentest4j.AssertionFailedError">trace</failure>
              </testcase>
              <testcase name="totals" classname="shop.CartTest" time="0.012">
                <error message="boom" type="java.lang.IllegalStateException">trace</error>
              </testcase>
            </testsuite>
            """;

    static final String CART_PASSING = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="shop.CartTest" tests="2" failures="0" errors="0" skipped="0" time="0.03">
              <testcase name="addsOne" classname="shop.CartTest" time="0.01"/>
              <testcase name="addsTwo" classname="shop.CartTest" time="0.02"/>
            </testsuite>
            """;

    static final String OTHER_PASSING = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="shop.Other" tests="1" failures="0" errors="0" skipped="0" time="0.5">
              <testcase name="works" classname="shop.Other" time="0.5"/>
            </testsuite>
            """;
}
