package dev.sluice.route.orchestration;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long each stage may take, how failed steps are retried, when an environment's circuit breaker opens. */
@ConfigMapping(prefix = "sluice.route")
public interface RouteConfig {
    Timeouts timeout();

    Retry retry();

    CircuitBreakerSettings circuitBreaker();

    interface Timeouts {
        @WithDefault("10m")
        Duration analysis();

        @WithDefault("10m")
        Duration validation();

        @WithDefault("30m")
        Duration deployment();

        /**
         * A run in TESTING times out after its tests' own {@code timeout} ({@code .sluice.yaml}) plus this: validate
         * reports a timeout itself, so route's limit only catches tests whose result never comes.
         */
        @WithDefault("2m")
        Duration testsGrace();

        /** A run waiting for a person ends FAILED after this long: no run waits forever. */
        @WithDefault("7d")
        Duration approval();

        @WithDefault("24h")
        Duration queued();
    }

    interface CircuitBreakerSettings {
        /** Consecutive failed or rolled-back deployments of an environment that open its breaker; 0 turns it off. */
        @WithDefault("3")
        int failures();
    }

    interface Retry {
        /** Requests per stage, the first included. */
        @WithDefault("3")
        int maxAttempts();

        /** Delay before the second attempt; doubled for each later one. */
        @WithDefault("10s")
        Duration baseDelay();
    }
}
