package dev.sluice.validate.tests;

import static dev.sluice.validate.tests.PythonProjects.PYTEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventCodec;
import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestRunnerException;
import dev.sluice.validate.tests.TestRunner.TestStatus;
import dev.sluice.validate.tests.TestWorkspace.Output;

/**
 * The podman runner, for real: pytest projects from real git repositories run in containers of
 * {@value #IMAGE} (made from Debian packages by deploy/podman/test-image.sh, which this test runs when the image is
 * missing and debootstrap is there). Skipped without podman or the image, unless SLUICE_REQUIRE names podman.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PodmanTestRunnerTest {
    static final String IMAGE = "localhost/sluice-test-python:bookworm";
    private static final Duration LONG = Duration.ofSeconds(120);

    @Inject
    PodmanTestRunner runner;

    private static Boolean ready;

    @BeforeEach
    void podmanAndImage() throws Exception {
        if (ready == null) {
            ready = prepare();
        }
        Assumptions.assumeTrue(ready, "podman or the test image is missing");
    }

    private boolean prepare() throws Exception {
        boolean required = PythonProjects.required("podman");
        var unavailable = runner.unavailable();
        if (unavailable.isPresent()) {
            if (required) {
                throw new AssertionError("SLUICE_REQUIRE names podman, but " + unavailable.get());
            }
            return false;
        }
        if (podman("image", "exists", IMAGE).ok()) {
            return true;
        }
        Path script = Path.of("../../deploy/podman/test-image.sh").toAbsolutePath().normalize();
        if (ProcessTestRunner.onPath("debootstrap") != null && Files.isExecutable(script)) {
            Output made = TestWorkspace.run(List.of(script.toString()), Duration.ofMinutes(10));
            if (made.ok() && podman("image", "exists", IMAGE).ok()) {
                return true;
            }
            if (required) {
                throw new AssertionError(script + " could not make " + IMAGE + ":\n" + made.text());
            }
        }
        if (required) {
            throw new AssertionError("SLUICE_REQUIRE names podman, but " + IMAGE + " is missing and debootstrap is not "
                    + "installed to make it (deploy/podman/test-image.sh)");
        }
        return false;
    }

    private static Output podman(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        return TestWorkspace.run(argv, Duration.ofSeconds(60));
    }

    private static TestJob job(boolean failing, Map<String, String> extra, String command, String timeout) {
        return PythonProjects.job(PythonProjects.repository(failing, extra), PythonProjects.tests(IMAGE, command, timeout));
    }

    @Test
    void passingTestsPassInTheSandbox() throws Exception {
        TestJob job = job(false, Map.of("test_sandbox.py", PythonProjects.SANDBOX_TEST), PYTEST, "5m");
        assertThat(runner.start(job)).isEqualTo("started in podman container " + job.handle() + " (" + IMAGE
                + ", 0.5 CPUs, 256m memory, no network)");
        assertThat(runner.start(job)).isEqualTo("already started in podman container " + job.handle());
        assertThat(podman("ps", "-a", "-q", "--filter", "label=sluice.tests=" + job.handle()).text().strip().lines())
                .hasSize(1);
        TestStatus.Finished f = PythonProjects.await(runner, job, LONG);
        assertThat(f.outcome()).as(f.reason()).isEqualTo(TestsOutcome.PASSED);
        assertThat(f.exitCode()).isZero();
        assertThat(f.report().total()).isEqualTo(4);
        assertThat(f.report().passed()).isEqualTo(4);
        assertThat(f.reason()).matches("4/4 tests passed in [0-9.]+ m?s");
        // the container is gone, the answer stays
        assertThat(podman("container", "exists", job.handle()).exitCode()).isEqualTo(1);
        assertThat(runner.status(job)).isEqualTo(f);
        runner.stop(job);
        assertThat(runner.status(job)).isInstanceOfSatisfying(TestStatus.Finished.class,
                g -> assertThat(g.outcome()).isEqualTo(TestsOutcome.ERROR));
    }

    @Test
    void sandboxBreachFails() throws Exception {
        // the same sandbox tests with the network allowed: the no-network test must fail, so it proves something
        PythonProjects.Commit c = PythonProjects.repository(false, Map.of("test_sandbox.py", PythonProjects.SANDBOX_TEST));
        var open = new dev.sluice.settings.SluiceSettings.Tests(IMAGE, List.of(PYTEST + " test_sandbox.py"), "5m", "1",
                "512Mi", List.of("reports/*.xml"), true);
        TestJob job = PythonProjects.job(c, open);
        assertThat(runner.start(job)).doesNotContain("no network");
        TestStatus.Finished f = PythonProjects.await(runner, job, LONG);
        assertThat(f.outcome()).isEqualTo(TestsOutcome.FAILED);
        assertThat(f.report().failures()).extracting(TestReportFailure::name).containsExactly("test_no_network");
        runner.stop(job);
    }

    /** For AssertJ's extracting. */
    interface TestReportFailure {
        static String name(dev.sluice.tests.TestReport.TestFailure f) {
            return f.name();
        }
    }

    @Test
    void failingTestFails() throws Exception {
        TestJob job = job(true, Map.of(), PYTEST, "5m");
        runner.start(job);
        TestStatus.Finished f = PythonProjects.await(runner, job, LONG);
        PythonProjects.assertFailedSubtraction(f);
        runner.stop(job);
    }

    @Test
    void failureWithoutReportsCarriesTheLogTail() throws Exception {
        TestJob job = job(false, Map.of(), "for i in $(seq 1 100); do echo line $i; done; echo 'error: it broke' >&2; exit 3", "5m");
        runner.start(job);
        TestStatus.Finished f = PythonProjects.await(runner, job, LONG);
        assertThat(f.outcome()).isEqualTo(TestsOutcome.FAILED);
        assertThat(f.exitCode()).isEqualTo(3);
        assertThat(f.report()).isNull();
        assertThat(f.reason()).startsWith("the command exited with 3; no JUnit XML report found under ")
                .endsWith("line 100\nerror: it broke").contains("line 62\n").doesNotContain("line 61\n");
        runner.stop(job);
    }

    @Test
    void timeoutStopsTheContainerWithItsLimits() throws Exception {
        TestJob job = job(false, Map.of(), "sleep 120", "3s");
        runner.start(job);
        JsonNode host = EventCodec.json().readTree(podman("inspect", "--format", "{{json .HostConfig}}", job.handle()).text());
        assertThat(host.path("Memory").asLong()).isEqualTo(256L << 20);
        assertThat(host.path("NanoCpus").asLong()).isEqualTo(500_000_000L);
        assertThat(host.path("PidsLimit").asLong()).isEqualTo(4096);
        assertThat(host.path("ReadonlyRootfs").asBoolean()).isTrue();
        assertThat(host.path("NetworkMode").asText()).isEqualTo("none");
        assertThat(host.path("CapDrop").toString()).contains("CAP_NET_RAW", "CAP_SETUID", "CAP_DAC_OVERRIDE", "CAP_CHOWN");
        assertThat(podman("inspect", "--format", "{{index .Config.Labels \"sluice.run\"}}", job.handle()).text().strip())
                .isEqualTo(job.runId().toString());
        assertThat(runner.status(job)).isInstanceOf(TestStatus.Running.class);
        TestStatus.Finished f = PythonProjects.await(runner, job, Duration.ofSeconds(60));
        assertThat(f.outcome()).isEqualTo(TestsOutcome.TIMED_OUT);
        assertThat(f.reason()).contains("ran longer than their timeout of 3s");
        assertThat(podman("container", "exists", job.handle()).exitCode()).isEqualTo(1);
        runner.stop(job);
    }

    @Test
    void stopRemovesARunningContainer() throws Exception {
        TestJob job = job(false, Map.of(), "sleep 120", "5m");
        runner.start(job);
        assertThat(podman("container", "exists", job.handle()).ok()).isTrue();
        runner.stop(job);
        assertThat(podman("container", "exists", job.handle()).exitCode()).isEqualTo(1);
        runner.stop(job); // nothing left: nothing done
    }

    @Test
    void missingImageIsNamed() {
        TestJob job = PythonProjects.job(PythonProjects.repository(false, Map.of()),
                PythonProjects.tests("localhost/sluice-no-such-image:1", PYTEST, "1m"));
        assertThatThrownBy(() -> runner.start(job)).isInstanceOf(TestRunnerException.class)
                .hasMessageContaining("localhost/sluice-no-such-image:1").hasMessageContaining("never pulls");
        assertThat(podman("container", "exists", job.handle()).exitCode()).isEqualTo(1);
    }

    @Test
    void kubernetesQuantities() {
        assertThat(PodmanTestRunner.cpus("500m")).isEqualTo("0.5");
        assertThat(PodmanTestRunner.cpus("2")).isEqualTo("2");
        assertThat(PodmanTestRunner.cpus("1.5")).isEqualTo("1.5");
        assertThat(PodmanTestRunner.memory("2Gi")).isEqualTo("2g");
        assertThat(PodmanTestRunner.memory("512Mi")).isEqualTo("512m");
        assertThat(PodmanTestRunner.memory("1G")).isEqualTo("1000000000b");
        assertThat(PodmanTestRunner.memory("1.5Gi")).isEqualTo("1536m");
        assertThatThrownBy(() -> PodmanTestRunner.cpus("2Gi")).isInstanceOf(TestRunnerException.class);
        assertThatThrownBy(() -> PodmanTestRunner.memory("lots")).isInstanceOf(TestRunnerException.class);
    }
}
