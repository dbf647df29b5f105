package dev.sluice.route.orchestration;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long each stage may take and how failed steps are retried. */
@ConfigMapping(prefix = "sluice.route")
public interface RouteConfig {
    Timeouts timeout();

    Retry retry();

    interface Timeouts {
        @WithDefault("10m")
        Duration analysis();

        @WithDefault("10m")
        Duration validation();

        @WithDefault("30m")
        Duration deployment();

        /** A run waiting for a person ends FAILED after this long: no run waits forever. */
        @WithDefault("7d")
        Duration approval();

        @WithDefault("24h")
        Duration queued();
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
