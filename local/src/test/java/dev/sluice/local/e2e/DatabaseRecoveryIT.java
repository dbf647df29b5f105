package dev.sluice.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.testing.TestRepository;

/**
 * The embedded PostgreSQL's postmaster is SIGKILLed under the running local pipeline, in the middle of a run:
 * local starts it again by itself, the run finishes with each transition once, and a push sent right after the
 * kill is not lost (answered 503 + Retry-After and sent again, as a broker would, or accepted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalProcess pipeline;

    @BeforeAll
    void start() throws IOException {
        pipeline = new LocalProcess(Files.createTempDirectory("sluice-e2e-pgkill").resolve("data")).start();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aSigkilledPostgresIsStartedAgainByLocalAndTheRunInFlightAndAPushSentMeanwhileBothFinish() throws Exception {
        try (TestRepository slow = TestRepository.create(); TestRepository meanwhile = TestRepository.create()) {
            slow.commitFolder("the example", PipelineIT.examplePath());
            // enough code that the analysis takes a while, so the kill lands inside a stage
            Map<String, String> code = new LinkedHashMap<>();
            for (int i = 0; i < 400; i++) {
                code.put("src/gen/m" + i + ".py", ("import os\n\ndef f" + i + "(x):\n    # a comment\n    return x + " + i + "\n").repeat(40));
            }
            String slowSha = slow.commit("a lot of code", code);
            String meanwhileSha = meanwhile.commitFolder("the example", PipelineIT.examplePath());

            assertThat(push(UUID.randomUUID().toString(), slow.url(), slowSha).statusCode()).isEqualTo(202);
            String slowRun = awaitRunOf(slow.url(), slowSha);
            String stage = awaitUntil("/runs/" + slowRun, r -> !r.path("state").asText().equals("RECEIVED"), Duration.ofSeconds(60))
                    .path("state").asText();
            assertThat(stage).as("the run is in a stage when PostgreSQL dies").isIn("ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING",
                    "AWAITING_APPROVAL");

            long postmaster = pipeline.postmasterPid();
            assertThat(postmaster).as("postmaster.pid").isPositive();
            long killedAt = System.nanoTime();
            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(); // SIGKILL
            ProcessHandle.of(postmaster).ifPresent(p -> p.onExit().join());

            // a push right after the kill: a 503 names the problem and says when to come back; the test re-sends like a broker
            String pushId = UUID.randomUUID().toString();
            List<Integer> answers = new ArrayList<>();
            boolean readinessSeenDown = false;
            long firstSuccessMs = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = push(pushId, meanwhile.url(), meanwhileSha);
                answers.add(r.statusCode());
                if (r.statusCode() == 202) {
                    firstSuccessMs = (System.nanoTime() - killedAt) / 1_000_000;
                    break;
                }
                assertThat(r.statusCode()).as("the broker ingress while PostgreSQL is down: " + r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).as("Retry-After").isPresent();
                assertThat(JSON.readTree(r.body()).path("error").asText()).contains("database is unavailable");
                readinessSeenDown |= call("GET", "/q/health/ready", null, Map.of()).statusCode() == 503;
                LocalProcess.sleep(200); // shorter than Retry-After: the test wants the first moment it works
            }
            String answered = answers.stream().collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting())).toString();
            assertThat(firstSuccessMs).as("a push accepted within 90 s of the kill; answers " + answered + "\n" + pipeline.tail())
                    .isPositive();
            System.out.printf("PostgreSQL SIGKILLed: first accepted push %d ms after the kill (answers %s, readiness seen down: %s)%n",
                    firstSuccessMs, answered, readinessSeenDown);
            assertThat(pipeline.postmasterPid()).as("a new postmaster").isNotEqualTo(postmaster).isPositive();
            // the watcher logs the restart after the server answers: requests may get through a moment before the line
            long logDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Files.readString(pipeline.log()).contains("PostgreSQL is running again") && System.nanoTime() < logDeadline) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(pipeline.log())).contains("has died; starting it again").contains("PostgreSQL is running again");
            if (answers.size() > 1) {
                assertThat(readinessSeenDown).as("readiness was DOWN while pushes got 503").isTrue();
            }
            assertThat(call("GET", "/q/health/ready", null, Map.of()).statusCode()).isEqualTo(200);

            // the run in flight at the kill: 80,000 new lines are over the example's review limit, so it waits for a person
            awaitUntil("/runs/" + slowRun, r -> r.path("state").asText().equals("AWAITING_APPROVAL"), Duration.ofSeconds(120));
            assertThat(call("POST", "/runs/" + slowRun + "/approve", "{\"by\":\"e2e\"}", Map.of("Content-Type", "application/json"))
                    .statusCode()).isEqualTo(200);
            JsonNode slowFinal = awaitUntil("/runs/" + slowRun, r -> r.path("finished").asBoolean(), Duration.ofSeconds(90));
            assertThat(slowFinal.path("state").asText()).as(slowFinal.toString()).isEqualTo("SUCCEEDED");
            assertThat(states(slowFinal)).as("each transition exactly once").containsExactly("RECEIVED", "ANALYZING", "VALIDATING",
                    "AWAITING_APPROVAL", "QUEUED", "DEPLOYING", "SUCCEEDED");

            // the push sent right after the kill made exactly one run, and it finished
            String meanwhileRun = awaitRunOf(meanwhile.url(), meanwhileSha);
            JsonNode meanwhileFinal = awaitUntil("/runs/" + meanwhileRun, r -> r.path("finished").asBoolean(), Duration.ofSeconds(90));
            assertThat(meanwhileFinal.path("state").asText()).as(meanwhileFinal.toString()).isEqualTo("SUCCEEDED");
            assertThat(states(meanwhileFinal)).containsExactly("RECEIVED", "ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING", "SUCCEEDED");
            assertThat(get("/runs?repository=" + meanwhile.url()).path("items")).hasSize(1);
        }
    }

    private HttpResponse<String> push(String id, String url, String after) {
        String data = "{\"repository\":{\"url\":\"" + url + "\",\"name\":\"hello\"},\"ref\":\"refs/heads/main\",\"before\":\""
                + "0".repeat(40) + "\",\"after\":\"" + after + "\",\"commits\":[],\"pusher\":\"e2e\"}";
        return call("POST", "/broker", data, Map.of("ce-specversion", "1.0", "ce-id", id, "ce-type", "dev.sluice.push",
                "ce-source", "/e2e", "Content-Type", "application/json"));
    }

    private String awaitRunOf(String url, String sha) {
        JsonNode list = awaitUntil("/runs?repository=" + url, l -> l.path("items").size() > 0, Duration.ofSeconds(60));
        for (JsonNode item : list.path("items")) {
            if (item.path("sha").asText().equals(sha)) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("no run of " + sha + " in " + list);
    }

    private JsonNode awaitUntil(String path, Predicate<JsonNode> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (done.test(last)) {
                    return last;
                }
            } catch (IllegalStateException e) {
                // a 503 while PostgreSQL restarts: ask again
            }
            LocalProcess.sleep(100);
        }
        throw new AssertionError(path + ": condition not reached within " + limit + "; last: " + last + "\n" + pipeline.tail());
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = call("GET", path, null, Map.of());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) {
        return pipeline.send(method, path, body, headers);
    }

    private static List<String> states(JsonNode run) {
        List<String> s = new ArrayList<>();
        run.path("transitions").forEach(t -> s.add(t.path("to").asText()));
        return s;
    }
}
