package dev.sluice.local.knative;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Knative {@code spec.delivery}: how many times to retry, how long to wait between tries, how long one
 * try may take, and where an event goes when every try has failed.
 *
 * @param backoffPolicy null when the spec has none (then retries follow at once, as Knative does)
 */
public record DeliverySpec(int retry, BackoffPolicy backoffPolicy, Duration backoffDelay, Duration timeout,
        Destination deadLetterSink) {

    public enum BackoffPolicy {
        EXPONENTIAL, LINEAR
    }

    public static DeliverySpec none(Duration timeout) {
        return new DeliverySpec(0, null, Duration.ZERO, timeout, null);
    }

    /** Reads {@code spec.delivery}; a missing node gives no retries and no dead-letter sink. */
    public static DeliverySpec from(JsonNode delivery, Duration defaultTimeout, String where) {
        if (delivery == null || delivery.isMissingNode() || delivery.isNull()) {
            return none(defaultTimeout);
        }
        int retry = delivery.path("retry").asInt(0);
        if (retry < 0) {
            throw new IllegalStateException(where + ": delivery.retry must not be negative");
        }
        BackoffPolicy policy = null;
        if (delivery.hasNonNull("backoffPolicy")) {
            try {
                policy = BackoffPolicy.valueOf(delivery.get("backoffPolicy").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": delivery.backoffPolicy must be exponential or linear, not "
                        + delivery.get("backoffPolicy").asText());
            }
        }
        Duration delay = duration(delivery.path("backoffDelay"), Duration.ZERO, where + ": delivery.backoffDelay");
        Duration timeout = duration(delivery.path("timeout"), defaultTimeout, where + ": delivery.timeout");
        Destination dls = delivery.hasNonNull("deadLetterSink")
                ? Destination.from(delivery.get("deadLetterSink"), where + ": delivery.deadLetterSink")
                : null;
        return new DeliverySpec(retry, policy, delay, timeout, dls);
    }

    /**
     * The wait before retry number {@code n} (0 for the first retry), as Knative's dispatcher computes it:
     * exponential {@code backoffDelay * 2^n}, linear {@code backoffDelay * n}; no policy or no delay, none.
     */
    public Duration delayBeforeRetry(int n) {
        if (backoffPolicy == null || backoffDelay.isZero()) {
            return Duration.ZERO;
        }
        return switch (backoffPolicy) {
            case EXPONENTIAL -> backoffDelay.multipliedBy(1L << Math.min(n, 30));
            case LINEAR -> backoffDelay.multipliedBy(n);
        };
    }

    /** Whether Knative retries a try that ended so: no response (null), 5xx, 404, 408, 409 and 429. */
    public static boolean retryable(Integer status) {
        return status == null || status >= 500 || status == 404 || status == 408 || status == 409 || status == 429;
    }

    private static Duration duration(JsonNode n, Duration fallback, String where) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        try {
            return Duration.parse(n.asText()); // ISO-8601, e.g. PT0.5S
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(where + " is not an ISO-8601 duration: " + n.asText());
        }
    }
}
