package dev.sluice.validate.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.testing.TestRepository;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestStatus;

/** Small Python projects with pytest tests, committed to real git repositories, and how the runner tests wait on them. */
final class PythonProjects {
    private PythonProjects() {
    }

    /** pytest with the report the runners read; xunit1 puts each test's file in the report. */
    static final String PYTEST = "python3 -m pytest -q -p no:cacheprovider -o junit_family=xunit1 --junitxml=reports/junit.xml";
    /** The line of the failing assertion in {@link #FAILING_TEST}. */
    static final int FAILING_LINE = 9;

    static final String CALC = """
            def add(a, b):
                return a + b


            def subtract(a, b):
                return a - b
            """;

    static final String PASSING_TEST = """
            from calc import add, subtract


            def test_add():
                assert add(2, 3) == 5


            def test_subtract():
                assert subtract(5, 3) == 2
            """;

    static final String FAILING_TEST = """
            from calc import add, subtract


            def test_add():
                assert add(2, 3) == 5


            def test_subtract():
                assert subtract(5, 3) == 3, "five minus three"
            """;

    /** Proves the sandbox of the podman runner: no network, the checkout read-only, the copy writable. */
    static final String SANDBOX_TEST = """
            import errno
            import os
            import socket

            import pytest


            def test_no_network():
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(3)
                with pytest.raises(OSError):
                    s.connect(("1.1.1.1", 53))
                assert [i for i in socket.if_nameindex() if i[1] != "lo"] == []


            def test_checkout_is_read_only():
                with pytest.raises(OSError) as e:
                    open("/src/written-by-tests", "w")
                assert e.value.errno == errno.EROFS
                assert os.getcwd() == "/work"
                with open("/work/written-by-tests", "w") as f:
                    f.write("ok")
            """;

    /**
     * A repository with calc.py and its tests (failing or not), plus the extra files; returns url and sha. The extra
     * files ending in .sh are committed executable.
     */
    static Commit repository(boolean failing, Map<String, String> extra) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("calc.py", CALC);
        files.put("test_calc.py", failing ? FAILING_TEST : PASSING_TEST);
        files.putAll(extra);
        TestRepository repo = TestRepository.create();
        String sha = repo.commit(failing ? "a failing test" : "passing tests", files);
        repo.close();
        List<String> scripts = extra.keySet().stream().filter(f -> f.endsWith(".sh")).toList();
        if (!scripts.isEmpty()) {
            try (Git git = Git.open(repo.dir().toFile())) {
                for (String f : scripts) {
                    assertThat(repo.dir().resolve(f).toFile().setExecutable(true, false)).isTrue();
                    git.add().addFilepattern(f).call();
                }
                sha = git.commit().setMessage("executable scripts").call().getName();
            } catch (IOException | GitAPIException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Commit(repo.url(), sha);
    }

    record Commit(String url, String sha) {
    }

    static TestJob job(Commit c, SluiceSettings.Tests tests) {
        return new TestJob("sluice-tests-" + UUID.randomUUID().toString().substring(0, 13), UUID.randomUUID(), 1, c.url(),
                c.sha(), tests);
    }

    static SluiceSettings.Tests tests(String image, String command, String timeout) {
        return new SluiceSettings.Tests(image, List.of(command), timeout, "500m", "256Mi", SluiceSettings.DEFAULT_TEST_REPORTS,
                false);
    }

    /** What the failing project's run must say: test_subtract failed, where and why. */
    static void assertFailedSubtraction(TestStatus.Finished f) {
        assertThat(f.outcome()).isEqualTo(dev.sluice.events.Payloads.TestsOutcome.FAILED);
        assertThat(f.exitCode()).isEqualTo(1);
        assertThat(f.report().total()).isEqualTo(2);
        assertThat(f.report().failed()).isEqualTo(1);
        assertThat(f.report().failures()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("test_subtract");
            assertThat(t.message()).contains("five minus three");
            assertThat(t.file()).isEqualTo("test_calc.py");
            assertThat(t.line()).isEqualTo(PythonProjects.FAILING_LINE);
        });
        assertThat(f.reason()).startsWith("1 of 2 tests failed: ").contains("test_subtract (").contains("five minus three");
    }

    /** Whether SLUICE_REQUIRE (a comma list) names the tool: then a test fails, not skips, without it. */
    static boolean required(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("SLUICE_REQUIRE", "").split(","))
                .anyMatch(s -> s.trim().equalsIgnoreCase(tool));
    }

    /** Asks for the status until it is finished, at most {@code limit}. */
    static TestStatus.Finished await(TestRunner runner, TestJob job, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            TestStatus s = runner.status(job);
            if (s instanceof TestStatus.Finished f) {
                return f;
            }
            assertThat(((TestStatus.Running) s).detail()).startsWith("running for ");
            Thread.sleep(200);
        }
        throw new AssertionError(job.handle() + " did not finish within " + limit);
    }
}
