package dev.sluice.route.environments;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.sluice.route.orchestration.CircuitBreaker;

/**
 * An environment of a project at a glance: the release it runs or is moving to ({@code current}), the last verified
 * one, the runs waiting for it or deploying to it, and its circuit breaker (open, with the deployments that decided it).
 */
public record EnvironmentView(String project, String name, String namespace, ReleaseView current, ReleaseView lastVerified, Runs runs,
        CircuitBreaker.Status circuitBreaker) {

    public record Runs(List<RunRef> deploying, List<RunRef> queued) {
    }

    public record RunRef(UUID id, String ref, String sha, Instant createdAt) {
    }
}
