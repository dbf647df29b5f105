package dev.sluice.route.observe;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where run states are reported (README of route, "Reporting to the forge"): a forge gets commit statuses only when its
 * token is set; its API base URL has the public service's default (Gitea/Forgejo has none: set it). Tokens are sent to
 * that base URL's host only.
 */
@ConfigMapping(prefix = "sluice.forge")
public interface ForgeConfig {
    Endpoint github();

    Endpoint gitlab();

    Endpoint gitea();

    Endpoint bitbucket();

    /** The status's name at the forge (GitHub/Gitea context, GitLab name, Bitbucket key). */
    @WithDefault("sluice")
    String context();

    /** Tries per report when the forge answers 5xx or 429, or does not answer in time. */
    @WithDefault("4")
    int attempts();

    /** The wait before the second try; doubled before each further one. */
    @WithDefault("1s")
    Duration backoff();

    @WithDefault("10s")
    Duration timeout();

    /** A Slack-compatible incoming webhook: a line per run that ends or waits for approval. */
    Slack slack();

    interface Endpoint {
        Optional<String> token();

        Optional<String> apiUrl();
    }

    interface Slack {
        Optional<String> webhookUrl();

        @WithDefault("SUCCEEDED,FAILED,ROLLED_BACK,REJECTED,AWAITING_APPROVAL")
        List<String> states();
    }
}
