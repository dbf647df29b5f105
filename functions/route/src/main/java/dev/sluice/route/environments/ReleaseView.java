package dev.sluice.route.environments;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A release as the environment API shows it; {@code outcome} is IN_PROGRESS while it rolls out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseView(String id, int number, String kind, UUID runId, String sha, String strategy, String mode,
        String outcome, String reason, Integer step, Integer trafficPercent, String health, String restores,
        String requestedBy, Instant createdAt, Instant finishedAt, Instant verifiedAt, Instant rolledBackAt) {

    static ReleaseView of(EnvironmentRelease r) {
        if (r == null) {
            return null;
        }
        boolean rolling = r.inProgress();
        return new ReleaseView(r.id, r.number, r.kind, r.runId, r.sha, r.strategy, r.mode,
                rolling ? "IN_PROGRESS" : r.outcome, r.reason, rolling ? r.step : null, rolling ? r.trafficPercent : null,
                r.health, r.restores, r.requestedBy, r.createdAt, r.finishedAt, r.verifiedAt, r.rolledBackAt);
    }
}
