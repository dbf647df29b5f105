package dev.sluice.deploy;

import java.util.UUID;

import io.cloudevents.CloudEvent;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.DeploymentCompleted;
import dev.sluice.events.Payloads.DeploymentProgressed;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.report.StageReport;

/** The events deploy answers with: source {@code /sluice/deploy}, subject the run id. */
final class DeploymentReplies {
    private DeploymentReplies() {
    }

    static final String FUNCTION = "deploy";

    static CloudEvent completed(UUID runId, int attempt, Release release) {
        return EventCodec.event(EventTypes.DEPLOYMENT_COMPLETED, FUNCTION, runId,
                new DeploymentCompleted(runId, attempt, release.outcome, release.id, release.reason));
    }

    /** A completion without a release of its own (nothing was made). */
    static CloudEvent completed(UUID runId, int attempt, Outcome outcome, String reason) {
        return EventCodec.event(EventTypes.DEPLOYMENT_COMPLETED, FUNCTION, runId,
                new DeploymentCompleted(runId, attempt, outcome, null, reason));
    }

    /** Where an in-progress release stands; route learns the release id from the first one and checks it each tick. */
    static CloudEvent progressed(UUID runId, int attempt, Release release) {
        return EventCodec.event(EventTypes.DEPLOYMENT_PROGRESSED, FUNCTION, runId,
                new DeploymentProgressed(runId, attempt, release.id, release.step, release.trafficPercent, release.health));
    }

    static CloudEvent failed(UUID runId, int attempt, String error, boolean retryable) {
        return EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, runId,
                new StepFailed(runId, attempt, StageReport.DEPLOYMENT, error, retryable));
    }
}
