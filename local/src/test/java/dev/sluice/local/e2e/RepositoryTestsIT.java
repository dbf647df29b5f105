package dev.sluice.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.testing.TestRepository;

/**
 * The test gate end to end (issue 16), through the packaged local process with the process runner switched on: a
 * repository (the hello example with a small pytest project) whose {@code .sluice.yaml} has {@code tests:} goes
 * VALIDATING → TESTING, its tests really run, and the run goes on to SUCCEEDED when they pass and ends FAILED naming
 * the failing test when they do not. Needs python3 with pytest (Debian's python3-pytest): skipped without it, unless
 * SLUICE_REQUIRE names pytest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryTestsIT {
    private static final String TESTS = """
            tests:
              image: %s
              command: python3 -m pytest -q -p no:cacheprovider --junitxml=junit.xml
              timeout: 2m
              reports: [junit.xml]
            """;
    private static final String CODE = "def add(a, b):\n    return a + b\n";
    private static final String PASSING = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
            + "def test_add_negative():\n    assert add(-1, -2) == -3\n";
    private static final String FAILING = PASSING + "\n\ndef test_add_is_multiplication():\n    assert add(2, 3) == 6, 'add is not times'\n";

    private Path dataDir;
    private LocalProcess pipeline;

    @BeforeAll
    void start() throws IOException {
        assumeRunner();
        dataDir = Files.createTempDirectory("sluice-e2e-tests").resolve("data");
        pipeline = new LocalProcess(dataDir).with(runnerOptions(dataDir.resolveSibling("tests-work"))).start();
    }

    /** The image the tests name (the process runner ignores it). */
    String image() {
        return "python:3";
    }

    /** The local process's runner settings. */
    String[] runnerOptions(Path workDir) {
        return new String[] { "-Dsluice.validate.tests.runner=process", "-Dsluice.validate.tests.process.enabled=true",
                "-Dsluice.validate.tests.work-dir=" + workDir };
    }

    /** Skips (or, when SLUICE_REQUIRE names it, fails) when what the runner needs is missing. */
    void assumeRunner() {
        if (!succeeds("python3", "-m", "pytest", "--version")) {
            require("pytest", "python3 -m pytest does not run (apt-get install python3-pytest)");
        }
    }

    static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void require(String tool, String problem) {
        String require = System.getenv().getOrDefault("SLUICE_REQUIRE", "");
        if (List.of(require.split(",")).stream().map(String::trim).anyMatch(tool::equals)) {
            throw new IllegalStateException("SLUICE_REQUIRE names " + tool + ", but " + problem);
        }
        Assumptions.assumeTrue(false, problem);
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The example with the pytest project and tests: in its .sluice.yaml, pushed as one commit to main. */
    private JsonNode pushed(TestRepository repo, String tests) throws IOException {
        String sluice = Files.readString(PipelineIT.examplePath().resolve(".sluice.yaml")) + TESTS.formatted(image());
        String base = repo.commitFolder("the example", PipelineIT.examplePath());
        String sha = repo.commit("calc and its tests", Map.of(".sluice.yaml", sluice, "calc.py", CODE, "test_calc.py", tests));
        push(repo.url(), base, sha);
        String id = pipeline.runOf(repo.url(), sha);
        return pipeline.awaitUntil(() -> pipeline.get("/runs/" + id), r -> r.path("finished").asBoolean()
                || r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(180));
    }

    @Test
    void aProjectWhoseTestsPassIsTestedThenDeployedAndSucceeds() throws IOException {
        try (TestRepository repo = TestRepository.create()) {
            long t0 = System.nanoTime();
            JsonNode run = pushed(repo, PASSING);
            System.out.printf("push with passing tests to %s: %d ms%n", run.path("state").asText(), (System.nanoTime() - t0) / 1_000_000);
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("SUCCEEDED");
            assertThat(LocalProcess.states(run)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "TESTING", "QUEUED", "DEPLOYING", "SUCCEEDED");
            JsonNode tests = run.path("stages").path("tests");
            assertThat(tests.path("outcome").asText()).as(tests.toString()).isEqualTo("PASSED");
            assertThat(tests.path("report").path("total").asInt()).isEqualTo(2);
            assertThat(tests.path("report").path("passed").asInt()).isEqualTo(2);
            assertThat(run.path("events").toString()).contains("tests started");
        }
    }

    @Test
    void aProjectWhoseTestsFailEndsFailedNamingTheFailingTest() throws IOException {
        try (TestRepository repo = TestRepository.create()) {
            JsonNode run = pushed(repo, FAILING);
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("FAILED");
            assertThat(LocalProcess.states(run)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "TESTING", "FAILED");
            assertThat(run.path("reason").asText()).startsWith("tests failed: 1 of 3: ").contains("test_add_is_multiplication")
                    .contains("add is not times");
            JsonNode failure = run.path("stages").path("tests").path("report").path("failures").path(0);
            assertThat(failure.path("name").asText()).isEqualTo("test_add_is_multiplication");
        }
    }

    // ---- as PipelineIT talks to the pipeline ---------------------------------------------------

    private void push(String url, String before, String after) {
        String data = "{\"repository\":{\"url\":\"" + url + "\",\"name\":\"hello\"},\"ref\":\"refs/heads/main\",\"before\":\"" + before
                + "\",\"after\":\"" + after + "\",\"commits\":[],\"pusher\":\"e2e\"}";
        HttpResponse<String> r = pipeline.post("/broker", Map.of("ce-specversion", "1.0", "ce-id", UUID.randomUUID().toString(),
                "ce-type", "dev.sluice.push", "ce-source", "/e2e", "Content-Type", "application/json"), data);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    private static String describe(JsonNode run) {
        return run.path("state").asText() + ": " + run.path("reason").asText() + " " + run.path("transitions") + " "
                + run.path("stages").path("tests");
    }
}
