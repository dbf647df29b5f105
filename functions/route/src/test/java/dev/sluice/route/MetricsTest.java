package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static dev.sluice.testing.Metrics.count;
import static dev.sluice.testing.Metrics.scrape;
import static dev.sluice.testing.Metrics.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.route.observe.EnvironmentGauges;
import dev.sluice.run.RunState;
import dev.sluice.testing.PostgresTestResource;

/** route's /q/metrics after real runs: names as the README's table gives them, and values that follow the runs. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class MetricsTest {

    @Inject
    EnvironmentGauges gauges;

    @Test
    void runsStartedAndFinishedAndTheirStageTimesAreCountedFromCommittedTransitions() {
        String before = scrape();
        String env = "metrics-" + UUID.randomUUID();
        String settings = SETTINGS_PROD.replace("production", env);

        UUID ok = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(ok, 1, "APPROVE", settings).then().statusCode(200);
        validation(ok, 1, true, "ok").then().statusCode(200);
        deployment(ok, 1, "VERIFIED").then().statusCode(200);
        UUID rejected = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        analysis(rejected, 1, "REJECT", settings).then().statusCode(200);
        assertThat(state(ok)).isEqualTo(RunState.SUCCEEDED);
        assertThat(state(rejected)).isEqualTo(RunState.REJECTED);

        // the counters follow RunTransitioned, observed asynchronously after the commit
        String after = awaitScrape(s -> delta(before, s, "sluice_runs_finished_total", "state", "SUCCEEDED") == 1
                && delta(before, s, "sluice_runs_finished_total", "state", "REJECTED") == 1
                && delta(before, s, "sluice_run_stage_duration_seconds_count", "stage", "analyzing") == 2);
        assertThat(delta(before, after, "sluice_runs_started_total")).isEqualTo(2);
        assertThat(delta(before, after, "sluice_runs_finished_total", "state", "FAILED")).isZero();
        // ok left RECEIVED, ANALYZING, VALIDATING, QUEUED, DEPLOYING; rejected left RECEIVED and ANALYZING
        assertThat(delta(before, after, "sluice_run_stage_duration_seconds_count", "stage", "received")).isEqualTo(2);
        assertThat(delta(before, after, "sluice_run_stage_duration_seconds_count", "stage", "validating")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_run_stage_duration_seconds_count", "stage", "deploying")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_run_duration_seconds_count", "state", "SUCCEEDED")).isEqualTo(1);
        // a histogram: every bucket counts the runs at most that long, +Inf all of them
        assertThat(delta(before, after, "sluice_run_duration_seconds_bucket", "state", "SUCCEEDED", "le", "+Inf")).isEqualTo(1);
        assertThat(value(after, "sluice_run_stage_duration_seconds_bucket", "stage", "analyzing", "le", "3600.0")).isNotNaN();
        assertThat(value(after, "sluice_run_duration_seconds_sum", "state", "SUCCEEDED")).isPositive();
        // every final state is there from the start (0 until one happens); no run id or sha in any label
        for (RunState s : RunState.FINAL) {
            assertThat(value(after, "sluice_runs_finished_total", "state", s.name())).isNotNaN();
        }
        assertThat(after).doesNotContain(ok.toString()).doesNotContain(run(ok).afterSha);
    }

    @Test
    void queueDepthOldestWaitAndCircuitBreakerArePerEnvironmentAndReadOutsideTheScrape() {
        String env = "queue-" + UUID.randomUUID();
        String settings = SETTINGS_PROD.replace("production", env);
        String repo = "/repos/" + UUID.randomUUID();
        UUID deploying = startRun(repo, "refs/heads/main");
        analysis(deploying, 1, "APPROVE", settings).then().statusCode(200);
        validation(deploying, 1, true, "ok").then().statusCode(200).header("ce-type", EventTypes.DEPLOYMENT_REQUESTED);
        UUID queued = startRun(repo, "refs/heads/other");
        analysis(queued, 1, "APPROVE", settings).then().statusCode(200);
        validation(queued, 1, true, "ok").then().statusCode(204);
        assertThat(state(queued)).isEqualTo(RunState.QUEUED);
        String project = run(queued).project;

        gauges.refresh();
        String s = scrape();
        assertThat(value(s, "sluice_queue_depth", "project", project, "environment", env)).isEqualTo(1.0);
        assertThat(value(s, "sluice_queue_oldest_wait_seconds", "project", project, "environment", env)).isPositive();
        assertThat(value(s, "sluice_circuit_breaker_open", "project", project, "environment", env)).isEqualTo(0.0);
        assertThat(value(s, "sluice_metrics_refreshed_timestamp_seconds")).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(120.0));

        // three failed deployments in a row open the breaker (sluice.route.circuit-breaker.failures, default 3)
        deployment(deploying, 1, "FAILED").then().statusCode(200);
        for (int i = 0; i < 2; i++) {
            UUID next = RunState.DEPLOYING == state(queued) ? queued : startAndQueue(repo, settings);
            deployment(next, 1, "FAILED").then().statusCode(200);
        }
        gauges.refresh();
        s = scrape();
        assertThat(value(s, "sluice_circuit_breaker_open", "project", project, "environment", env)).isEqualTo(1.0);
        assertThat(value(s, "sluice_queue_depth", "project", project, "environment", env)).isEqualTo(0.0);
        assertThat(value(s, "sluice_queue_oldest_wait_seconds", "project", project, "environment", env)).isEqualTo(0.0);
    }

    @Test
    void aDeadLetterIsCountedByItsType() {
        String before = scrape();
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.TICK).header("ce-source", "/test/ping").header("ce-knativeerrordest", "http://route/")
                .header("ce-knativeerrorcode", "503").body("{}").post("/dead-letter").then().statusCode(200);
        assertThat(delta(before, scrape(), "sluice_deliveries_dead_lettered_total", "type", EventTypes.TICK)).isEqualTo(1);
    }

    /** A fresh run of another ref of {@code repo}, analysed and validated: it deploys at once (the environment is free). */
    private static UUID startAndQueue(String repo, String settings) {
        UUID run = startRun(repo, "refs/heads/" + UUID.randomUUID());
        analysis(run, 1, "APPROVE", settings).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(200);
        assertThat(state(run)).isEqualTo(RunState.DEPLOYING);
        return run;
    }

    private static io.restassured.specification.RequestSpecification given() {
        return io.restassured.RestAssured.given();
    }

    private static double delta(String before, String after, String name, String... labels) {
        return count(after, name, labels) - count(before, name, labels);
    }

    private static String awaitScrape(java.util.function.Predicate<String> ready) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        String s = scrape();
        while (!ready.test(s) && Instant.now().isBefore(deadline)) {
            sleep(50);
            s = scrape();
        }
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
