package dev.sluice.validate.tests;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.tests.JUnitReports;
import dev.sluice.tests.TestReport;

/**
 * Runs a repository's tests as a Kubernetes Job in a namespace of their own ({@code sluice.validate.tests.namespace},
 * {@code sluice-tests}), through the Quarkus Kubernetes client (in-cluster service account, kubeconfig or
 * {@code quarkus.kubernetes-client.*}); knative/tests.yaml grants validate what this needs and no more.
 *
 * <p>The Job is named by the handle, so a redelivered request finds it and starts nothing twice; it never retries
 * ({@code backoffLimit: 0}), ends at the tests' timeout ({@code activeDeadlineSeconds}, checkout and image pull
 * included) and is removed with its pod {@code sluice.validate.tests.ttl-seconds-after-finished} after it ended. Its pod
 * has no service-account token and no service links. An init container ({@code sluice.validate.tests.checkout-image})
 * clones the repository and checks out the commit into an emptyDir at {@code /src} (only that commit, shallow, where
 * the server gives a commit by its id; else the branches and tags whole). The test container (the settings' image, CPU
 * and memory as requests and limits, no privilege escalation, every capability dropped) mounts {@code /src} read-only,
 * copies it into the writable emptyDir {@code /work} and runs the command there; then it prints the JUnit XML reports
 * matching the settings' globs and the exit code to its log ({@link PodLogReports}), which {@link #status} reads back,
 * at most {@code sluice.validate.tests.max-report-bytes}.
 *
 * <p><b>Network.</b> Unless {@code tests.network} is true the pod carries the label {@value #NETWORK_LABEL}, and a
 * NetworkPolicy of the namespace (created here when missing) selecting it allows no ingress and egress only to DNS (port
 * 53) and to the git remote's port (443 for https). A NetworkPolicy selects pods, not containers: the init container
 * must reach the git server, so <em>the test container can reach any address on that same port too</em>. It stops a
 * test talking to a database, a cluster service or anything on another port, not a test calling out over HTTPS. And
 * NetworkPolicies do nothing on a cluster whose network plugin does not enforce them.
 */
@ApplicationScoped
public class KubernetesTestRunner implements TestRunner {
    public static final String NAME = "kubernetes";
    static final String RUN_LABEL = "sluice.dev/run";
    static final String ATTEMPT_LABEL = "sluice.dev/attempt";
    static final String JOB_LABEL = "sluice.dev/test-job";
    static final String NETWORK_LABEL = "sluice.dev/tests-network";
    static final String TEST_CONTAINER = "tests";
    static final String CHECKOUT_CONTAINER = "checkout";
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @ConfigProperty(name = "sluice.validate.tests.namespace", defaultValue = "sluice-tests")
    String namespace;

    @ConfigProperty(name = "sluice.validate.tests.checkout-image", defaultValue = "docker.io/alpine/git:2.45.2")
    String checkoutImage;

    @ConfigProperty(name = "sluice.validate.tests.ttl-seconds-after-finished", defaultValue = "3600")
    int ttlSecondsAfterFinished;

    @ConfigProperty(name = "sluice.validate.tests.max-report-bytes", defaultValue = "8388608")
    int maxReportBytes;

    @Inject
    Instance<KubernetesClient> clients;

    /** Set when constructed for a given client (tests); else the Quarkus client, created on first use. */
    private KubernetesClient client;
    private volatile Reachability reachability;

    private record Reachability(Instant at, Optional<String> answer) {
    }

    public KubernetesTestRunner() {
    }

    KubernetesTestRunner(KubernetesClient client, String namespace, String checkoutImage, int ttlSecondsAfterFinished,
            int maxReportBytes) {
        this.client = client;
        this.namespace = namespace;
        this.checkoutImage = checkoutImage;
        this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
        this.maxReportBytes = maxReportBytes;
    }

    @Override
    public String name() {
        return NAME;
    }

    private KubernetesClient client() {
        return client != null ? client : clients.get();
    }

    @Override
    public Optional<String> unavailable() {
        if (client == null) {
            var config = ConfigProvider.getConfig();
            Optional<String> why = notConfigured(System.getenv(), Path.of(System.getProperty("user.home", "/")),
                    config.getOptionalValue("quarkus.kubernetes-client.api-server-url", String.class)
                            .or(() -> Optional.ofNullable(System.getProperty("kubernetes.master"))));
            if (why.isPresent()) {
                return why;
            }
        }
        Reachability last = reachability;
        if (last != null && last.at().isAfter(Instant.now().minusSeconds(30))) {
            return last.answer();
        }
        Optional<String> answer;
        KubernetesClient c = client();
        try {
            c.batch().v1().jobs().inNamespace(namespace).list(new ListOptionsBuilder().withLimit(1L).build());
            answer = Optional.empty();
        } catch (KubernetesClientException e) {
            answer = Optional.of(e.getCode() <= 0 ? "the cluster at " + c.getMasterUrl() + " cannot be reached: " + root(e)
                    : "the cluster at " + c.getMasterUrl() + " refuses to list Jobs in namespace " + namespace + " (HTTP "
                            + e.getCode() + "): validate's service account needs the Role of knative/tests.yaml");
        }
        reachability = new Reachability(Instant.now(), answer);
        return answer;
    }

    /**
     * Why no cluster is configured here, if none is: not in a pod ({@code KUBERNETES_SERVICE_HOST} unset), no kubeconfig
     * ({@code KUBECONFIG}, {@code ~/.kube/config}) and no API server URL set.
     */
    static Optional<String> notConfigured(Map<String, String> env, Path home, Optional<String> apiServerUrl) {
        if (apiServerUrl.filter(u -> !u.isBlank()).isPresent() || present(env.get("KUBERNETES_MASTER"))
                || present(env.get("KUBERNETES_SERVICE_HOST"))) {
            return Optional.empty();
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (present(kubeconfig)) {
            for (String f : kubeconfig.split(java.io.File.pathSeparator)) {
                if (!f.isBlank() && Files.isRegularFile(Path.of(f))) {
                    return Optional.empty();
                }
            }
        } else if (Files.isRegularFile(home.resolve(".kube/config"))) {
            return Optional.empty();
        }
        return Optional.of("no Kubernetes cluster is configured: not running in a pod (KUBERNETES_SERVICE_HOST unset), no "
                + "kubeconfig (" + (present(kubeconfig) ? "KUBECONFIG=" + kubeconfig + " names no file" : "no ~/.kube/config")
                + ") and no quarkus.kubernetes-client.api-server-url");
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    @Override
    public String start(TestJob job) {
        SluiceSettings.Tests tests = job.tests();
        if (tests == null) {
            throw new TestRunnerException("the request has no tests settings");
        }
        if (job.handle() == null || job.handle().length() > 52 || !DNS_1123.matcher(job.handle()).matches()) {
            throw new TestRunnerException("handle '" + job.handle() + "' cannot name a Job: at most 52 lowercase letters, "
                    + "digits and '-', starting and ending with a letter or digit");
        }
        int port = gitPort(job.repositoryUrl());
        long deadline = deadlineSeconds(tests.timeout());
        KubernetesClient c = client();
        var jobs = c.batch().v1().jobs().inNamespace(namespace);
        String where = "Kubernetes Job " + job.handle() + " in namespace " + namespace;
        try {
            if (jobs.withName(job.handle()).get() != null) {
                return where + " exists already (started before): nothing new started";
            }
            boolean network = Boolean.TRUE.equals(tests.network());
            if (!network) {
                ensurePolicy(c, port);
            }
            jobs.resource(job(job, port, deadline)).create();
            return "started as " + where + " (image " + tests.image() + ", timeout " + tests.timeout() + ", network: "
                    + (network ? "allowed" : "none but DNS and port " + port + " for the checkout") + ")";
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return where + " exists already (started before): nothing new started";
            }
            throw new TestRunnerException("cannot start " + where + ": " + describe(c, e), e);
        }
    }

    /** The Job for a test run; package-private so the test can check it property by property. */
    Job job(TestJob job, int gitPort, long deadlineSeconds) {
        SluiceSettings.Tests tests = job.tests();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        labels.put(RUN_LABEL, String.valueOf(job.runId()));
        labels.put(ATTEMPT_LABEL, String.valueOf(job.attempt()));
        labels.put(JOB_LABEL, job.handle());
        labels.put("app.kubernetes.io/managed-by", "sluice");
        Map<String, String> podLabels = new java.util.LinkedHashMap<>(labels);
        if (!Boolean.TRUE.equals(tests.network())) {
            podLabels.put(NETWORK_LABEL, policyName(gitPort));
        }
        var resources = new ResourceRequirementsBuilder()
                .addToLimits("cpu", new Quantity(tests.cpu())).addToLimits("memory", new Quantity(tests.memory()))
                .addToRequests("cpu", new Quantity(tests.cpu())).addToRequests("memory", new Quantity(tests.memory())).build();
        var locked = new SecurityContextBuilder().withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().build();
        List<String> command = new ArrayList<>(List.of("sh", "-c", PodLogReports.WRAPPER, "sluice-tests"));
        command.addAll(tests.command().size() == 1 ? List.of("sh", "-c", tests.command().get(0)) : tests.command());
        List<String> patterns = tests.reports().stream().flatMap(g -> PodLogReports.findPatterns(g).stream()).distinct().toList();
        return new JobBuilder()
                .withNewMetadata().withName(job.handle()).withNamespace(namespace).withLabels(labels)
                .addToAnnotations("sluice.dev/repository", job.repositoryUrl()).addToAnnotations("sluice.dev/sha", job.sha())
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(deadlineSeconds)
                .withTtlSecondsAfterFinished(ttlSecondsAfterFinished)
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewVolume().withName("src").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewInitContainer()
                .withName(CHECKOUT_CONTAINER).withImage(checkoutImage)
                .withCommand("sh", "-c", PodLogReports.CHECKOUT)
                .withEnv(new EnvVar("SLUICE_REPOSITORY", job.repositoryUrl(), null), new EnvVar("SLUICE_SHA", job.sha(), null),
                        new EnvVar("SLUICE_SOURCE", "/src", null), new EnvVar("GIT_TERMINAL_PROMPT", "0", null))
                .withResources(resources)
                .withSecurityContext(new SecurityContextBuilder(locked).withReadOnlyRootFilesystem(true).build())
                .addNewVolumeMount().withName("src").withMountPath("/src").endVolumeMount()
                .endInitContainer()
                .addNewContainer()
                .withName(TEST_CONTAINER).withImage(tests.image())
                .withCommand(command)
                .withWorkingDir("/work")
                .withEnv(new EnvVar("SLUICE_SOURCE", "/src", null), new EnvVar("SLUICE_WORKDIR", "/work", null),
                        new EnvVar("SLUICE_REPORT_PATTERNS", String.join("\n", patterns), null),
                        new EnvVar("SLUICE_REPORTS_MAX_BYTES", String.valueOf(maxReportBytes), null), new EnvVar("CI", "true", null))
                .withResources(resources)
                .withSecurityContext(locked)
                .addNewVolumeMount().withName("src").withMountPath("/src").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static String policyName(int gitPort) {
        return "sluice-tests-git-" + gitPort;
    }

    /** The NetworkPolicy for pods whose checkout reaches git on that port: no ingress; egress DNS and that port. */
    NetworkPolicy policy(int gitPort) {
        String name = policyName(gitPort);
        return new NetworkPolicyBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "sluice")
                .addToAnnotations("sluice.dev/why", "test pods without network: no ingress; egress only DNS and port " + gitPort
                        + ", which the checkout needs and which, a policy being per pod, the tests can use too")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector().addToMatchLabels(NETWORK_LABEL, name).endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .addNewEgress()
                .withPorts(new NetworkPolicyPortBuilder().withProtocol("UDP").withNewPort(53).build(),
                        new NetworkPolicyPortBuilder().withProtocol("TCP").withNewPort(53).build())
                .endEgress()
                .addNewEgress()
                .withPorts(new NetworkPolicyPortBuilder().withProtocol("TCP").withNewPort(gitPort).build())
                .endEgress()
                .endSpec()
                .build();
    }

    private void ensurePolicy(KubernetesClient c, int gitPort) {
        var policies = c.network().v1().networkPolicies().inNamespace(namespace);
        if (policies.withName(policyName(gitPort)).get() != null) {
            return;
        }
        try {
            policies.resource(policy(gitPort)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // made meanwhile by another start: the same policy
                throw e;
            }
        }
    }

    /** The port the checkout reaches the repository on; a local path cannot be cloned from a pod. */
    static int gitPort(String url) {
        if (url == null || url.isBlank()) {
            throw new TestRunnerException("the request names no repository");
        }
        if (url.matches("[A-Za-z0-9._-]+@[^/:]+:.*")) { // scp-like git@host:path
            return 22;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new TestRunnerException("repository '" + url + "' is not a URL a test pod can clone");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int standard = switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            case "ssh", "git+ssh" -> 22;
            case "git" -> 9418;
            default -> throw new TestRunnerException("repository '" + url + "' is " + (scheme.isEmpty() || scheme.equals("file")
                    ? "a path on validate's machine" : "reached by '" + scheme + "'") + ": a test Job in the cluster clones only "
                    + "https, http, ssh or git URLs");
        };
        return uri.getPort() > 0 ? uri.getPort() : standard;
    }

    /** The tests' timeout as whole seconds, at least 1 ({@code 90s}, {@code 15m}, {@code 1h}; {@code ms} rounds up). */
    static long deadlineSeconds(String timeout) {
        return Math.max(1, (TestWorkspace.timeout(timeout).toMillis() + 999) / 1000);
    }

    @Override
    public TestStatus status(TestJob job) {
        KubernetesClient c = client();
        Job j;
        try {
            j = c.batch().v1().jobs().inNamespace(namespace).withName(job.handle()).get();
        } catch (KubernetesClientException e) {
            throw new TestRunnerException("cannot read test Job " + job.handle() + " in " + namespace + ": " + describe(c, e), e);
        }
        if (j == null) {
            return new TestStatus.Finished(TestsOutcome.ERROR, null, null,
                    "no test Job " + job.handle() + " in " + namespace + " (removed or never started)", null);
        }
        JobCondition failed = condition(j, "Failed");
        JobCondition complete = condition(j, "Complete");
        if (failed != null && "DeadlineExceeded".equals(failed.getReason())) {
            return new TestStatus.Finished(TestsOutcome.TIMED_OUT, null, null, "the tests ran out of their timeout of "
                    + (job.tests() == null ? j.getSpec().getActiveDeadlineSeconds() + "s" : job.tests().timeout())
                    + " (checkout included)", instant(failed.getLastTransitionTime()));
        }
        if (failed != null || complete != null) {
            JobCondition end = complete != null ? complete : failed;
            return ended(c, j, job, end);
        }
        return new TestStatus.Running(running(c, j));
    }

    private TestStatus.Finished ended(KubernetesClient c, Job j, TestJob job, JobCondition end) {
        Instant endedAt = instant(end.getLastTransitionTime());
        String how = "the test Job " + ("Complete".equals(end.getType()) ? "completed"
                : "failed" + (end.getReason() == null ? "" : " (" + end.getReason() + ")"));
        Pod pod;
        try {
            pod = pod(c, job.handle());
        } catch (KubernetesClientException e) {
            throw new TestRunnerException("cannot read the pod of test Job " + job.handle() + ": " + describe(c, e), e);
        }
        if (pod == null) {
            return error(how + " but its pod is gone: no log to read the reports and exit code from", null, endedAt);
        }
        ContainerStatus checkout = containerStatus(pod, CHECKOUT_CONTAINER, true);
        ContainerStateTerminated checkoutEnd = checkout == null || checkout.getState() == null ? null
                : checkout.getState().getTerminated();
        if (checkoutEnd != null && checkoutEnd.getExitCode() != null && checkoutEnd.getExitCode() != 0) {
            String last = lastLine(logTail(c, pod, CHECKOUT_CONTAINER, 4096));
            return error("checking out " + job.sha() + " of " + job.repositoryUrl() + " failed (exit " + checkoutEnd.getExitCode()
                    + ")" + (last.isEmpty() ? "" : ": " + last), null, endedAt);
        }
        ContainerStatus tests = containerStatus(pod, TEST_CONTAINER, false);
        ContainerStateTerminated testsEnd = tests == null || tests.getState() == null ? null : tests.getState().getTerminated();
        if (testsEnd != null && "OOMKilled".equals(testsEnd.getReason())) {
            return new TestStatus.Finished(TestsOutcome.FAILED, null, testsEnd.getExitCode(), "the test container was killed "
                    + "for using more than its memory limit of " + (job.tests() == null ? "?" : job.tests().memory()) + " (OOMKilled)",
                    endedAt);
        }
        String log;
        try (InputStream in = c.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).inContainer(TEST_CONTAINER)
                .tailingLines(PodLogReports.window(maxReportBytes) / 60).getLogInputStream()) {
            log = PodLogReports.tail(in, PodLogReports.window(maxReportBytes));
        } catch (IOException | KubernetesClientException e) {
            return error(how + " but the log of its pod " + pod.getMetadata().getName() + " cannot be read: " + root(e),
                    testsEnd == null ? null : testsEnd.getExitCode(), endedAt);
        }
        List<String> globs = job.tests() == null ? SluiceSettings.DEFAULT_TEST_REPORTS : job.tests().reports();
        PodLogReports.Result result = PodLogReports.parse(log, globs, maxReportBytes);
        Integer exit = result.exitCode();
        if (exit == null) {
            Integer containerExit = testsEnd == null ? null : testsEnd.getExitCode();
            return error(how + " but the test container's log ends without Sluice's exit-code line (container "
                    + (containerExit == null ? "state unknown" : "exited " + containerExit
                            + (testsEnd.getReason() == null ? "" : ", " + testsEnd.getReason())) + ")", containerExit, endedAt);
        }
        if (result.problem() != null) {
            return error(result.problem(), exit, endedAt);
        }
        JobReportParser.Parsed parsed = JobReportParser.parse(result.files());
        if (parsed.problem() != null) {
            return error("the JUnit reports do not parse: " + parsed.problem(), exit, endedAt);
        }
        return decide(parsed.report(), exit, globs, endedAt);
    }

    /** The outcome from what the reports say and the command's exit code; the reason is {@link JUnitReports#summary}. */
    static TestStatus.Finished decide(TestReport report, int exit, List<String> globs, Instant endedAt) {
        String summary = JUnitReports.summary(report);
        if (report.failed() + report.errored() > 0) {
            return new TestStatus.Finished(TestsOutcome.FAILED, report, exit, summary, endedAt);
        }
        if (exit != 0) {
            return new TestStatus.Finished(TestsOutcome.FAILED, report, exit, "the test command exited with code " + exit + " ("
                    + summary + ")", endedAt);
        }
        if (report.files() == null || report.files().isEmpty()) {
            return new TestStatus.Finished(TestsOutcome.PASSED, report, 0, "the test command exited 0; no JUnit report matched "
                    + String.join(", ", globs), endedAt);
        }
        return new TestStatus.Finished(TestsOutcome.PASSED, report, 0, summary, endedAt);
    }

    private static TestStatus.Finished error(String reason, Integer exit, Instant endedAt) {
        return new TestStatus.Finished(TestsOutcome.ERROR, null, exit, reason, endedAt);
    }

    private String running(KubernetesClient c, Job j) {
        Instant started = instant(j.getStatus() == null ? null : j.getStatus().getStartTime());
        String since = started == null ? "waiting to start"
                : "running for " + Math.max(0, Duration.between(started, Instant.now()).toSeconds()) + " s";
        Pod pod;
        try {
            pod = pod(c, j.getMetadata().getName());
        } catch (KubernetesClientException e) {
            return since;
        }
        if (pod == null) {
            return since + ", no pod yet";
        }
        ContainerStatus checkout = containerStatus(pod, CHECKOUT_CONTAINER, true);
        if (checkout != null && checkout.getState() != null && checkout.getState().getRunning() != null) {
            return since + ", checking out the commit";
        }
        for (ContainerStatus s : List.of(checkout, containerStatus(pod, TEST_CONTAINER, false))) {
            ContainerStateWaiting w = s == null || s.getState() == null ? null : s.getState().getWaiting();
            if (w != null && w.getReason() != null && !w.getReason().equals("PodInitializing")) {
                return since + ", " + s.getName() + " waiting: " + w.getReason() + (w.getMessage() == null ? "" : " (" + w.getMessage() + ")");
            }
        }
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            for (PodCondition pc : pod.getStatus().getConditions()) {
                if ("PodScheduled".equals(pc.getType()) && "False".equals(pc.getStatus())) {
                    return since + ", not scheduled: " + pc.getReason() + (pc.getMessage() == null ? "" : " (" + pc.getMessage() + ")");
                }
            }
        }
        return since;
    }

    @Override
    public void stop(TestJob job) {
        KubernetesClient c = client();
        try {
            c.batch().v1().jobs().inNamespace(namespace).withName(job.handle())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw new TestRunnerException("cannot remove test Job " + job.handle() + " in " + namespace + ": " + describe(c, e), e);
            }
        }
    }

    private Pod pod(KubernetesClient c, String jobName) {
        return c.pods().inNamespace(namespace).withLabel(JOB_LABEL, jobName).list().getItems().stream()
                .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp()))).orElse(null);
    }

    private static ContainerStatus containerStatus(Pod pod, String name, boolean init) {
        if (pod.getStatus() == null) {
            return null;
        }
        var statuses = init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses();
        return statuses == null ? null : statuses.stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
    }

    private String logTail(KubernetesClient c, Pod pod, String container, int bytes) {
        try (InputStream in = c.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).inContainer(container)
                .tailingLines(20).getLogInputStream()) {
            return PodLogReports.tail(in, bytes);
        } catch (IOException | KubernetesClientException e) {
            return "";
        }
    }

    private static String lastLine(String log) {
        List<String> lines = log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        return last.length() > 300 ? last.substring(0, 300) + "…" : last;
    }

    private static JobCondition condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return null;
        }
        return j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst().orElse(null);
    }

    private static Instant instant(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(KubernetesClient c, KubernetesClientException e) {
        return e.getCode() <= 0 ? "the cluster at " + c.getMasterUrl() + " cannot be reached: " + root(e)
                : "HTTP " + e.getCode() + ": " + (e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage() : e.getMessage());
    }

    private static String root(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }
}
