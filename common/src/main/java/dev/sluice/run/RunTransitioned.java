package dev.sluice.run;

import java.time.Instant;
import java.util.UUID;

/**
 * A transition that has committed, fired as an asynchronous CDI event ({@code @ObservesAsync RunTransitioned}) once
 * its transaction commits: a rolled-back transition (a duplicate delivery, a lost race) fires nothing. Observers run
 * on another thread, after the fact, so they can neither slow nor break the transition; what they do (the live
 * dashboard, metrics, reporting to the forge) must stand a missed or late notice, as it never changes a run. Notices
 * of one transaction are fired in order but may be observed out of order: order them by {@code at}.
 */
public record RunTransitioned(UUID runId, String project, String repositoryUrl, String repositoryName, String ref,
        String sha, String environment, RunState from, RunState to, String reason, String actor, Instant at,
        Instant runCreatedAt) {

    static RunTransitioned of(Run run, RunState from, RunTransition t) {
        return new RunTransitioned(run.id, run.project, run.repositoryUrl, run.repositoryName, run.ref, run.afterSha,
                run.environment, from, t.toState, t.reason, t.actor, t.at, run.createdAt);
    }
}
