package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * A Prometheus that cannot be reached reads as no data: a metric that waits for data waits, but never past the step's
 * limit (the progress deadline since the step began), where the check fails instead. No Quarkus: the bean by hand.
 */
class CanaryAnalysisLimitTest {
    private static CanaryAnalysis analysis() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CanaryAnalysis a = new CanaryAnalysis();
        a.prometheusUrl = Optional.of("http://127.0.0.1:" + closed);
        a.timeout = Duration.ofSeconds(2);
        a.progressDeadline = Duration.ofMinutes(10);
        return a;
    }

    private static Release canaryAt(int step, Instant lastStepAt) {
        Release r = new Release();
        r.id = "prod-2";
        r.step = step;
        r.trafficPercent = 25;
        r.lastStepAt = lastStepAt;
        r.revisions = LedgerJson.write(List.of(new ServiceRevision("shop", "hello", "hello-prod-2", "hello-prod-1")));
        return r;
    }

    private static RolloutSettings settings() {
        return new RolloutSettings("canary", List.of(25, 100), "0s", null, null, 0, false, List.of("k8s/"),
                AnalysisSettings.of(null, "prod"), false);
    }

    @Test
    void noDataFromAnUnreachablePrometheusWaitsWithinTheStepsLimitAndFailsPastIt() throws IOException {
        CanaryAnalysis analysis = analysis();
        Instant now = Instant.now();
        Release release = canaryAt(1, now.minus(Duration.ofMinutes(2)));

        CanaryAnalysis.Verdict waiting = analysis.judge(release, settings(), now);

        assertThat(waiting.outcome()).isEqualTo(CanaryAnalysis.Outcome.WAITING);
        assertThat(waiting.summary()).startsWith("analysis waiting for data: request-success-rate of hello-prod-2 = no data (Prometheus at "
                + analysis.prometheusUrl.get() + " is unreachable: ");
        assertThat(release.analysisState().failures()).isZero();

        // Eleven minutes into the step, the next reading (due after the 1m interval) is past the 10m limit: a failed check.
        Release late = canaryAt(1, now.minus(Duration.ofMinutes(11)));
        CanaryAnalysis.Verdict first = analysis.judge(late, settings(), now);
        assertThat(first.outcome()).isEqualTo(CanaryAnalysis.Outcome.WAITING);
        assertThat(first.summary()).startsWith("analysis: check failed (1 of 2 that roll back): ")
                .contains("no data within 600s of the step (sluice.deploy.progress-deadline)");
        CanaryAnalysis.Verdict second = analysis.judge(late, settings(), now.plus(Duration.ofMinutes(1)));
        assertThat(second.outcome()).isEqualTo(CanaryAnalysis.Outcome.FAILED);
        assertThat(second.findings().get(0)).isEqualTo("2 failed checks in this step (2 roll back)");
        assertThat(second.findings().get(1)).startsWith("request-success-rate of hello-prod-2 = no data (Prometheus at ")
                .contains("(min 99), query 100 * sum(rate(revision_app_request_count{namespace_name=\"shop\",revision_name=\"hello-prod-2\","
                        + "response_code_class!=\"5xx\"}[60s]))");
        assertThat(late.analysisState().checks()).hasSize(2).allSatisfy(c -> assertThat(c.failed()).isTrue());
    }

    @Test
    void withoutPrometheusNothingIsAnalysedAndTheReleaseSaysWhy() throws IOException {
        CanaryAnalysis analysis = analysis();
        analysis.prometheusUrl = Optional.empty();
        Release release = canaryAt(1, Instant.now());

        assertThat(analysis.judge(release, settings(), Instant.now()).outcome()).isEqualTo(CanaryAnalysis.Outcome.OFF);
        assertThat(release.analysisState().status()).isEqualTo("off");
        assertThat(release.analysisState().note()).isEqualTo("no metric analysis: no Prometheus configured (sluice.deploy.prometheus.url)");
    }
}
