package dev.sluice.route.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.sluice.run.RunState;
import dev.sluice.run.RunTransitioned;

/** How a run's repository becomes a forge API path: escaped segments only, so the request stays on the configured host. */
class ForgeStatusRequestTest {
    private static final String SHA = "a".repeat(40);

    private static RunTransitioned transition(String name, String url) {
        return new RunTransitioned(UUID.randomUUID(), "p", url, name, "refs/heads/main", SHA, "production", RunState.ANALYZING,
                RunState.SUCCEEDED, "ok", "route", Instant.now(), Instant.now());
    }

    @Test
    void theRepositoryComesFromItsFullNameElseFromItsUrl() {
        assertThat(ForgeStatus.GITHUB.repositoryPath("acme/shop", null)).contains("acme/shop");
        assertThat(ForgeStatus.GITHUB.repositoryPath("shop", "https://github.com/acme/shop.git")).contains("acme/shop");
        assertThat(ForgeStatus.GITEA.repositoryPath(null, "git@git.example.com:acme/shop.git")).contains("acme/shop");
        assertThat(ForgeStatus.GITLAB.repositoryPath("group/sub/project", null)).contains("group%2Fsub%2Fproject");
        assertThat(ForgeStatus.GITHUB.repositoryPath("group/sub/project", null)).isEmpty();
    }

    @Test
    void aNameThatWouldLeaveThePathOrTheHostNamesNothingOrIsEscaped() {
        assertThat(ForgeStatus.GITHUB.repositoryPath("acme/..", null)).isEmpty();
        assertThat(ForgeStatus.GITHUB.repositoryPath("../x", null)).isEmpty();
        assertThat(ForgeStatus.GITHUB.repositoryPath("acme/shop?x=1#@evil.example", null)).contains("acme/shop%3Fx%3D1%23%40evil.example");
        var req = ForgeStatus.GITHUB.request("https://api.github.com", "t", "sluice", null,
                transition("evil.example:80@x/y", null), Duration.ofSeconds(1));
        assertThat(req).hasValueSatisfying(r -> assertThat(r.uri().getHost()).isEqualTo("api.github.com"));
        assertThat(req.get().uri().getRawPath()).isEqualTo("/repos/evil.example%3A80%40x/y/statuses/" + SHA);
    }

    @Test
    void bitbucketNeedsTheRunsLinkAndACommitMustBeAHexSha() {
        assertThat(ForgeStatus.BITBUCKET.request("https://api.bitbucket.org", "t", "sluice", null, transition("ws/repo", null),
                Duration.ofSeconds(1))).isEmpty();
        RunTransitioned t = transition("acme/shop", null);
        RunTransitioned notSha = new RunTransitioned(t.runId(), t.project(), t.repositoryUrl(), t.repositoryName(), t.ref(), "HEAD",
                t.environment(), t.from(), t.to(), t.reason(), t.actor(), t.at(), t.runCreatedAt());
        assertThat(ForgeStatus.GITHUB.request("https://api.github.com", "t", "sluice", null, notSha, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void statesMapToEachForgesWords() {
        assertThat(ForgeStatus.GITHUB.state(RunState.ROLLED_BACK)).isEqualTo("failure");
        assertThat(ForgeStatus.GITHUB.state(RunState.CANCELLED)).isEqualTo("error");
        assertThat(ForgeStatus.GITLAB.state(RunState.DEPLOYING)).isEqualTo("running");
        assertThat(ForgeStatus.GITLAB.state(RunState.SUPERSEDED)).isEqualTo("canceled");
        assertThat(ForgeStatus.GITEA.state(RunState.QUEUED)).isEqualTo("pending");
        assertThat(ForgeStatus.BITBUCKET.state(RunState.SUCCEEDED)).isEqualTo("SUCCESSFUL");
        assertThat(ForgeStatus.BITBUCKET.state(RunState.AWAITING_APPROVAL)).isEqualTo("INPROGRESS");
    }
}
