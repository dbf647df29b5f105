package dev.sluice.deploy;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.DeploymentCheck;
import dev.sluice.events.Payloads.DeploymentCompleted;
import dev.sluice.events.Payloads.DeploymentRequested;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.report.StageReport;
import dev.sluice.settings.SettingsException;

/**
 * The deploy function. Woken by {@code dev.sluice.deployment.requested} (make a release of a commit for an
 * environment) and {@code dev.sluice.deployment.check} (how did a release end); replies
 * {@code dev.sluice.deployment.completed}, or {@code dev.sluice.step.failed} (stage "deployment") when the
 * work cannot be done. Only plan mode is built: a release is rendered, diffed and recorded, never applied.
 */
@ApplicationScoped
public class DeploymentHandler implements EventHandler {
    static final String FUNCTION = "deploy";
    private static final Logger LOG = Logger.getLogger(DeploymentHandler.class);
    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}");

    @ConfigProperty(name = "sluice.deploy.mode", defaultValue = "plan")
    DeployMode mode;

    @Inject
    PlanDeployment plan;

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.DEPLOYMENT_REQUESTED, EventTypes.DEPLOYMENT_CHECK);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        return List.of(EventTypes.DEPLOYMENT_CHECK.equals(event.getType()) ? check(event) : requested(event));
    }

    private CloudEvent requested(CloudEvent event) {
        DeploymentRequested request = EventCodec.data(event, DeploymentRequested.class);
        require(request.runId(), "runId", event);
        require(request.repositoryUrl(), "repositoryUrl", event);
        require(request.environment(), "environment", event);
        require(request.namespace(), "namespace", event);
        require(request.sha(), "sha", event);
        if (!FULL_SHA.matcher(request.sha()).matches()) {
            throw new BadEventException("data of " + event.getType() + ": 'sha' must be a full 40-character commit id, got '"
                    + request.sha() + "'");
        }
        if (mode == DeployMode.CLUSTER) {
            return failed(request.runId(), request.attempt(), "cluster mode is not built yet: only sluice.deploy.mode=plan "
                    + "works in this version (nothing was applied)", false);
        }
        // A repeated request for the same run attempt (a new event id) gets the release it already made.
        Release release = Release.of(request.runId(), request.attempt()).orElse(null);
        if (release == null) {
            try {
                release = plan.deploy(request);
            } catch (GitAccessException e) {
                LOG.warnf("run %s: cannot read %s at %s: %s", request.runId(), request.repositoryUrl(), request.sha(), e.getMessage());
                return failed(request.runId(), request.attempt(), e.getMessage(), true);
            } catch (SettingsException e) {
                return failed(request.runId(), request.attempt(), e.getMessage(), false);
            }
        }
        return completed(request.runId(), request.attempt(), release);
    }

    private CloudEvent check(CloudEvent event) {
        DeploymentCheck check = EventCodec.data(event, DeploymentCheck.class);
        require(check.runId(), "runId", event);
        require(check.releaseId(), "releaseId", event);
        Release release = Release.findById(check.releaseId());
        if (release == null) {
            return failed(check.runId(), check.attempt(), "unknown release " + check.releaseId(), false);
        }
        if (!release.runId.equals(check.runId())) {
            return failed(check.runId(), check.attempt(), "release " + release.id + " belongs to run " + release.runId, false);
        }
        // Plan-mode releases are finished when recorded: a check repeats their outcome.
        return completed(check.runId(), check.attempt(), release);
    }

    private static CloudEvent completed(UUID runId, int attempt, Release release) {
        return EventCodec.event(EventTypes.DEPLOYMENT_COMPLETED, FUNCTION, runId,
                new DeploymentCompleted(runId, attempt, release.outcome, release.id, release.reason));
    }

    private static CloudEvent failed(UUID runId, int attempt, String error, boolean retryable) {
        return EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, runId,
                new StepFailed(runId, attempt, StageReport.DEPLOYMENT, error, retryable));
    }

    private static void require(Object value, String field, CloudEvent event) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new BadEventException("data of " + event.getType() + " is missing '" + field + "'");
        }
    }
}
