package dev.sluice.deploy;

import java.time.Instant;

/**
 * One entry of a release's rollout history: the step reached, the traffic the new revisions got, when, and the
 * health reading that allowed it (or, for the last entry of a failed release, the reading that stopped it).
 */
public record TrafficStep(int step, int percent, Instant at, String health) {
}
