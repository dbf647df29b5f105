package dev.sluice.local.knative;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Retry timing and which answers are retried, as Knative's dispatcher does it. */
class DeliverySpecTest {

    @Test
    void exponentialBackoffDoublesFromTheDelayForTheFirstRetry() {
        DeliverySpec spec = new DeliverySpec(5, DeliverySpec.BackoffPolicy.EXPONENTIAL, Duration.ofMillis(500), Duration.ofSeconds(30), null);
        assertThat(spec.delayBeforeRetry(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(spec.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(spec.delayBeforeRetry(4)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void linearBackoffGrowsByTheDelayStartingFromNoWait() {
        DeliverySpec spec = new DeliverySpec(3, DeliverySpec.BackoffPolicy.LINEAR, Duration.ofMillis(200), Duration.ofSeconds(30), null);
        assertThat(spec.delayBeforeRetry(0)).isZero();
        assertThat(spec.delayBeforeRetry(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(spec.delayBeforeRetry(2)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void withoutAPolicyRetriesFollowAtOnce() {
        assertThat(DeliverySpec.none(Duration.ofSeconds(30)).delayBeforeRetry(3)).isZero();
    }

    @Test
    void noResponse5xx404408409And429AreRetriedOther4xxAreNot() {
        for (Integer status : new Integer[] { null, 500, 502, 503, 404, 408, 409, 429 }) {
            assertThat(DeliverySpec.retryable(status)).as(String.valueOf(status)).isTrue();
        }
        for (int status : new int[] { 400, 401, 403, 413, 422 }) {
            assertThat(DeliverySpec.retryable(status)).as(String.valueOf(status)).isFalse();
        }
    }
}
