package dev.sluice.route.environments;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.sluice.events.EventCodec;

/**
 * A release as the environment API shows it, with the project and the repository it came from; {@code outcome} is IN_PROGRESS while it rolls out. {@code revisions}
 * ({@code [{namespace, service, revision, previous}]}) and {@code steps} ({@code [{step, percent, at, health}]}) are
 * deploy's JSON columns as it wrote them, as are {@code drift} (how the live objects differ from a verified release, at
 * {@code driftCheckedAt}: {@code [{apiVersion, kind, namespace, name, paths, missing, error, firstSeen, lastSeen}]}) and
 * {@code heals} (each self-heal: {@code [{at, reason, objects, error}]}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseView(String id, String project, String repositoryUrl, int number, String kind, String namespace, UUID runId, String sha, String strategy,
        String mode, String outcome, String reason, Integer step, Integer trafficPercent, String health, String restores,
        String requestedBy, JsonNode revisions, JsonNode steps, Instant createdAt, Instant finishedAt, Instant verifiedAt,
        Instant rolledBackAt, JsonNode drift, Instant driftCheckedAt, JsonNode heals) {

    static ReleaseView of(EnvironmentRelease r) {
        if (r == null) {
            return null;
        }
        boolean rolling = r.inProgress();
        return new ReleaseView(r.id, r.project, r.repositoryUrl, r.number, r.kind, r.namespace, r.runId, r.sha, r.strategy, r.mode,
                rolling ? "IN_PROGRESS" : r.outcome, r.reason, rolling ? r.step : null, rolling ? r.trafficPercent : null,
                r.health, r.restores, r.requestedBy, parse(r.revisions), parse(r.steps), r.createdAt, r.finishedAt,
                r.verifiedAt, r.rolledBackAt, parse(r.drift), r.driftCheckedAt, parse(r.heals));
    }

    /** A JSON column, or null when deploy wrote none (plan mode has no revisions; old rows no steps). */
    private static JsonNode parse(String column) {
        if (column == null || column.isBlank()) {
            return null;
        }
        try {
            return EventCodec.json().readTree(column);
        } catch (JsonProcessingException e) {
            // Shown as the text deploy stored rather than failing the whole listing.
            return TextNode.valueOf(column);
        }
    }
}
