package dev.sluice.route.environments;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An environment at a glance: the release it runs or is moving to ({@code current}), the last verified one, and
 * the runs waiting for it or deploying to it.
 */
public record EnvironmentView(String name, String namespace, ReleaseView current, ReleaseView lastVerified, Runs runs) {

    public record Runs(List<RunRef> deploying, List<RunRef> queued) {
    }

    public record RunRef(UUID id, String ref, String sha, Instant createdAt) {
    }
}
