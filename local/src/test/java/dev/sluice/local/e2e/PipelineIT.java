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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.testing.Events;
import dev.sluice.testing.TestRepository;

/**
 * The whole pipeline, end to end, through the packaged local process: real CloudEvents into its broker,
 * real git repositories, the embedded PostgreSQL, and real process restarts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
    private static final String AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE";

    private Path dataDir;
    private LocalProcess pipeline;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("sluice-e2e").resolve("data");
        pipeline = new LocalProcess(dataDir).start();
        System.out.printf("local pipeline ready after %d ms, resident memory %d MiB%n", pipeline.readyAfterMillis(),
                pipeline.residentKib() / 1024);
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // ---- the scenarios of the foundation issue ----------------------------------------------------

    @Test
    void aPushOfTheExampleReachesSucceededInPlanModeWithItsTransitionsInOrder() {
        try (TestRepository repo = exampleRepository()) {
            String sha = repo.commitFolder("the example", examplePath());
            long t0 = System.nanoTime();
            push(repo.url(), "refs/heads/main", null, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("example push to SUCCEEDED: %d ms%n", ms);
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("SUCCEEDED");
            assertThat(states(run)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING", "SUCCEEDED");
            assertThat(run.path("environment").asText()).isEqualTo("production");
            JsonNode deployment = get("/runs/" + run.path("id").asText() + "/deployment");
            assertThat(deployment.toString()).contains("hello").contains("shop");
        }
    }

    @Test
    void aPushThatAddsAnAwsAccessKeyEndsRejected() {
        try (TestRepository repo = exampleRepository()) {
            String base = repo.commitFolder("the example", examplePath());
            String sha = repo.commit("add config", Map.of("src/config.py", "AWS_ACCESS_KEY_ID = \"" + AWS_KEY + "\"\n"));
            push(repo.url(), "refs/heads/main", base, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("REJECTED");
            JsonNode analysis = get("/runs/" + run.path("id").asText() + "/analysis");
            assertThat(analysis.toString()).contains("src/config.py").doesNotContain(AWS_KEY);
        }
    }

    @Test
    void aPushWithAManifestThatDoesNotParseEndsFailedNamingTheFileAndLine() {
        try (TestRepository repo = exampleRepository()) {
            String base = repo.commitFolder("the example", examplePath());
            String sha = repo.commit("broken manifest", Map.of("k8s/broken.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: [unclosed\n"));
            push(repo.url(), "refs/heads/main", base, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("FAILED");
            assertThat(run.path("reason").asText()).contains("k8s/broken.yaml:");
            assertThat(run.path("reason").asText()).containsPattern("k8s/broken\\.yaml:\\d+");
        }
    }

    @Test
    void theSamePushEventDeliveredTwiceMakesOneRun() {
        try (TestRepository repo = exampleRepository()) {
            String sha = repo.commitFolder("the example", examplePath());
            String id = UUID.randomUUID().toString();
            push(id, repo.url(), "refs/heads/main", null, sha);
            push(id, repo.url(), "refs/heads/main", null, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            LocalProcess.sleep(1000);
            assertThat(get("/runs?repository=" + repo.url()).path("total").asInt()).isEqualTo(1);
            assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aPushCarryingATtlOfOneFromItsSenderStillReachesSucceeded() {
        // the broker would give route's reply that TTL and drop it: the run's chain starts through the outbox instead
        try (TestRepository repo = exampleRepository()) {
            String sha = repo.commitFolder("the example", examplePath());
            push("/broker", Map.of("ce-knativebrokerttl", "1"), UUID.randomUUID().toString(), repo.url(), "refs/heads/main", null, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aPushPostedStraightToRouteInsteadOfTheBrokerStillReachesSucceeded() {
        // the analysis request goes back to this caller, who drops it: route has put it in its outbox as well
        try (TestRepository repo = exampleRepository()) {
            String sha = repo.commitFolder("the example", examplePath());
            HttpResponse<String> reply = push("/fn/route", Map.of(), UUID.randomUUID().toString(), repo.url(), "refs/heads/main", null, sha);
            assertThat(reply.headers().firstValue("ce-type")).hasValue("dev.sluice.analysis.requested");
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aStaleResultChangesNothing() {
        try (TestRepository repo = exampleRepository()) {
            String sha = repo.commitFolder("the example", examplePath());
            push(repo.url(), "refs/heads/main", null, sha);
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            String id = run.path("id").asText();
            String staleId = UUID.randomUUID().toString();
            String stale = "{\"runId\":\"" + id + "\",\"attempt\":1,\"decision\":\"REJECT\",\"riskScore\":100,\"confidence\":1,"
                    + "\"factors\":[\"late\"],\"settings\":{\"environment\":null}}";
            // signed as analyze signs it (LocalProcess gives the pipeline the test key): stale, not forged
            post("/broker", Map.of("ce-specversion", "1.0", "ce-id", staleId, "ce-type", "dev.sluice.analysis.completed",
                    "ce-source", "/sluice/analyze", "ce-subject", id, "Content-Type", "application/json",
                    "ce-sluiceproof", Events.proof("dev.sluice.analysis.completed", staleId, "/sluice/analyze", id, stale)), stale);
            JsonNode after = awaitUntil(() -> get("/runs/" + id), r -> r.path("events").toString().contains(staleId), Duration.ofSeconds(30));
            assertThat(after.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(states(after)).isEqualTo(states(run));
            assertThat(after.path("events").toString()).contains("IGNORED").contains("stale result");
        }
    }

    @Test
    void eventsForgedThroughTheBrokerAreRefusedAndMoveNothing() throws IOException {
        try (TestRepository repo = exampleRepository()) {
            String base = repo.commitFolder("the example", examplePath());
            String manual = Files.readString(examplePath().resolve(".sluice.yaml")).replace("approval: auto", "approval: manual");
            String parked = repo.commit("manual", Map.of(".sluice.yaml", manual));
            push(repo.url(), "refs/heads/main", base, parked);
            String id = runOf(repo.url(), parked);
            JsonNode before = awaitUntil(() -> get("/runs/" + id), r -> r.path("state").asText().equals("AWAITING_APPROVAL"),
                    Duration.ofSeconds(60));

            String approveId = UUID.randomUUID().toString();
            post("/broker", Map.of("ce-specversion", "1.0", "ce-id", approveId, "ce-type", "dev.sluice.run.approve",
                    "ce-source", "/sluice/route", "ce-subject", id, "Content-Type", "application/json"),
                    "{\"runId\":\"" + id + "\",\"by\":\"mallory\"}");
            String resultId = UUID.randomUUID().toString();
            post("/broker", Map.of("ce-specversion", "1.0", "ce-id", resultId, "ce-type", "dev.sluice.analysis.completed",
                    "ce-source", "/sluice/analyze", "ce-subject", id, "Content-Type", "application/json"),
                    "{\"runId\":\"" + id + "\",\"attempt\":1,\"decision\":\"APPROVE\",\"riskScore\":0,\"confidence\":1,"
                            + "\"factors\":[],\"settings\":{\"environment\":null}}");

            JsonNode after = awaitUntil(() -> get("/runs/" + id), r -> r.path("events").toString().contains(approveId)
                    && r.path("events").toString().contains(resultId), Duration.ofSeconds(30));
            assertThat(after.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(states(after)).isEqualTo(states(before));
            for (JsonNode event : after.path("events")) {
                if (List.of(approveId, resultId).contains(event.path("eventId").asText())) {
                    assertThat(event.path("outcome").asText()).as(event.toString()).isEqualTo("REFUSED");
                }
            }
        }
    }

    @Test
    void aNewerPushSupersedesAnOlderRunThatIsStillWaiting() throws IOException {
        try (TestRepository repo = exampleRepository()) {
            String base = repo.commitFolder("the example", examplePath());
            String manual = Files.readString(examplePath().resolve(".sluice.yaml")).replace("approval: auto", "approval: manual");
            String first = repo.commit("wait for a person", Map.of(".sluice.yaml", manual));
            push(repo.url(), "refs/heads/main", base, first);
            String firstRun = runOf(repo.url(), first);
            awaitUntil(() -> get("/runs/" + firstRun), r -> r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(60));

            String second = repo.commit("a newer change", Map.of("src/extra.py", "X = 1\n"));
            push(repo.url(), "refs/heads/main", first, second);
            String secondRun = runOf(repo.url(), second);
            JsonNode older = awaitFinal(firstRun);
            assertThat(older.path("state").asText()).isEqualTo("SUPERSEDED");
            assertThat(older.path("reason").asText()).contains(secondRun);
            awaitUntil(() -> get("/runs/" + secondRun), r -> r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(60));
            post("/runs/" + secondRun + "/approve", Map.of("Content-Type", "application/json"), "{\"by\":\"e2e\"}");
            assertThat(awaitFinal(secondRun).path("state").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aRestartOfTheLocalProcessInTheMiddleOfRunsLosesNothing() throws IOException {
        try (TestRepository repo = exampleRepository(); TestRepository waiting = exampleRepository()) {
            // one run parked for a person, one killed in flight
            String base = waiting.commitFolder("the example", examplePath());
            String manual = Files.readString(examplePath().resolve(".sluice.yaml")).replace("approval: auto", "approval: manual");
            String parked = waiting.commit("manual", Map.of(".sluice.yaml", manual));
            push(waiting.url(), "refs/heads/main", base, parked);
            String parkedRun = runOf(waiting.url(), parked);
            awaitUntil(() -> get("/runs/" + parkedRun), r -> r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(60));

            String sha = repo.commitFolder("the example", examplePath());
            push(repo.url(), "refs/heads/main", null, sha);
            pipeline.kill();

            // the same data dir and port, as a restarted laptop process would have
            pipeline = new LocalProcess(dataDir, pipeline.port()).start();
            JsonNode run = awaitFinal(runOf(repo.url(), sha));
            assertThat(run.path("state").asText()).as(describe(run)).isEqualTo("SUCCEEDED");
            assertThat(states(run)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING", "SUCCEEDED");

            assertThat(get("/runs/" + parkedRun).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
            post("/runs/" + parkedRun + "/approve", Map.of("Content-Type", "application/json"), "{\"by\":\"e2e\"}");
            assertThat(awaitFinal(parkedRun).path("state").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aKillWhileARunIsInAStageLosesNothingAndTheRunFinishesAfterTheRestart() throws IOException {
        try (TestRepository repo = exampleRepository()) {
            repo.commitFolder("the example", examplePath());
            // enough code that the analysis takes a while, so the kill lands inside a stage
            Map<String, String> code = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 400; i++) {
                code.put("src/gen/m" + i + ".py", ("import os\n\ndef f" + i + "(x):\n    # a comment\n    return x + " + i + "\n").repeat(40));
            }
            String sha = repo.commit("a lot of code", code);
            push(repo.url(), "refs/heads/main", null, sha);
            String inFlight = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (inFlight == null && System.nanoTime() < deadline) {
                for (JsonNode item : get("/runs?repository=" + repo.url()).path("items")) {
                    String state = item.path("state").asText();
                    assertThat(item.path("finished").asBoolean()).as("the run finished before the kill: " + item).isFalse();
                    if (!state.equals("RECEIVED")) {
                        inFlight = state;
                    }
                }
                LocalProcess.sleep(5);
            }
            assertThat(inFlight).as("a run in a stage").isIn("ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING");
            pipeline.kill();

            pipeline = new LocalProcess(dataDir, pipeline.port()).start();
            // 80,000 new lines are over the example's review limit: the run waits for a person, then deploys
            String runId = runOf(repo.url(), sha);
            awaitUntil(() -> get("/runs/" + runId), r -> r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(90));
            post("/runs/" + runId + "/approve", Map.of("Content-Type", "application/json"), "{\"by\":\"e2e\"}");
            JsonNode run = awaitFinal(runId);
            assertThat(run.path("state").asText()).as("killed in " + inFlight + ": " + describe(run)).isEqualTo("SUCCEEDED");
            assertThat(states(run)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "AWAITING_APPROVAL", "QUEUED", "DEPLOYING",
                    "SUCCEEDED");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Path example;

    /**
     * A copy of examples/hello whose .sluice.yaml names one project: the tests push it from many repositories into one
     * pipeline, and a namespace (shop) belongs to one project, so as separate repositories all but the first would be
     * refused.
     */
    static synchronized Path examplePath() {
        if (example != null) {
            return example;
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("examples/hello");
            if (Files.exists(candidate.resolve(".sluice.yaml"))) {
                try {
                    Path copy = Files.createTempDirectory("sluice-e2e-example");
                    try (var files = Files.walk(candidate)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            Path to = copy.resolve(candidate.relativize(f).toString());
                            if (Files.isDirectory(f)) {
                                Files.createDirectories(to);
                            } else {
                                Files.copy(f, to);
                            }
                        }
                    }
                    Files.writeString(copy.resolve(".sluice.yaml"), "project: pipeline-it\n"
                            + Files.readString(candidate.resolve(".sluice.yaml")));
                    example = copy;
                    return copy;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("examples/hello not found");
    }

    private static TestRepository exampleRepository() {
        return TestRepository.create();
    }

    private void push(String url, String ref, String before, String after) {
        push(UUID.randomUUID().toString(), url, ref, before, after);
    }

    private void push(String id, String url, String ref, String before, String after) {
        push("/broker", Map.of(), id, url, ref, before, after);
    }

    /** A dev.sluice.push posted to {@code path} (the broker, or a function straight), with {@code extra} headers. */
    private HttpResponse<String> push(String path, Map<String, String> extra, String id, String url, String ref, String before, String after) {
        String data = "{\"repository\":{\"url\":\"" + url + "\",\"name\":\"hello\"},\"ref\":\"" + ref + "\",\"before\":"
                + (before == null ? "\"" + "0".repeat(40) + "\"" : "\"" + before + "\"") + ",\"after\":\"" + after
                + "\",\"commits\":[],\"pusher\":\"e2e\"}";
        Map<String, String> headers = new java.util.HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-type", "dev.sluice.push",
                "ce-source", "/e2e", "Content-Type", "application/json"));
        headers.putAll(extra);
        HttpResponse<String> r = post(path, headers, data);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r;
    }

    private String runOf(String url, String sha) {
        return pipeline.runOf(url, sha);
    }

    private JsonNode awaitFinal(String runId) {
        return awaitUntil(() -> get("/runs/" + runId), r -> r.path("finished").asBoolean(), Duration.ofSeconds(90));
    }

    private JsonNode awaitUntil(java.util.function.Supplier<JsonNode> probe, java.util.function.Predicate<JsonNode> done, Duration limit) {
        return pipeline.awaitUntil(probe, done, limit);
    }

    private JsonNode get(String path) {
        return pipeline.get(path);
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) {
        return pipeline.post(path, headers, body);
    }

    private static List<String> states(JsonNode run) {
        return LocalProcess.states(run);
    }

    private static String describe(JsonNode run) {
        return run.path("state").asText() + ": " + run.path("reason").asText() + " " + run.path("transitions");
    }
}
