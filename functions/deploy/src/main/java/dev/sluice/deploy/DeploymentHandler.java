package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import dev.sluice.events.Payloads.DeploymentRequested;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.git.GitRepositories.RepositoryNotAllowedException;
import dev.sluice.settings.Projects;
import dev.sluice.settings.SettingsException;

/**
 * The deploy function. Woken by {@code dev.sluice.deployment.requested} (make a release of a commit for an
 * environment), {@code dev.sluice.deployment.check} (route's tick: take the release's next step) and
 * {@code dev.sluice.environment.rollback} (restore an earlier release). Replies
 * {@code dev.sluice.deployment.progressed} while a release rolls out, {@code dev.sluice.deployment.completed}
 * when it ends, nothing when a check has nothing to do, or {@code dev.sluice.step.failed} (stage "deployment")
 * when the work cannot be done. {@code sluice.deploy.mode} says whether releases are applied to a cluster or only
 * planned.
 */
@ApplicationScoped
public class DeploymentHandler implements EventHandler {
    static final String FUNCTION = DeploymentReplies.FUNCTION;
    private static final Logger LOG = Logger.getLogger(DeploymentHandler.class);
    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}");

    @ConfigProperty(name = "sluice.deploy.mode", defaultValue = "plan")
    DeployMode mode;

    @Inject
    PlanDeployment plan;
    @Inject
    ClusterDeployment cluster;
    @Inject
    RolloutCheck rollout;
    @Inject
    EnvironmentRollback rollback;
    @Inject
    ReleaseSource source;
    @Inject
    LedgerFingerprintKey fingerprintKey;
    @Inject
    DriftCheck drift;

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.DEPLOYMENT_REQUESTED, EventTypes.DEPLOYMENT_CHECK, EventTypes.ENVIRONMENT_ROLLBACK, EventTypes.DRIFT_CHECK);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        fingerprintKey.install();
        return switch (event.getType()) {
            case EventTypes.DEPLOYMENT_CHECK -> check(event);
            case EventTypes.ENVIRONMENT_ROLLBACK -> rollback(event);
            case EventTypes.DRIFT_CHECK -> {
                drift.onTick(java.time.Instant.now());
                yield List.of();
            }
            default -> List.of(requested(event));
        };
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
        if (request.strategy() != null && !RolloutSettings.STRATEGIES.contains(request.strategy())) {
            throw new BadEventException("data of " + event.getType() + ": 'strategy' must be canary, rolling or direct, got '"
                    + request.strategy() + "'");
        }
        // route sets retry for a run a person retried (POST /runs/{id}/retry)
        boolean retry = Boolean.TRUE.equals(request.retry());

        // A repeated request for the same run attempt (a new event id) gets the release it already made.
        Release release = Release.of(request.runId(), request.attempt()).orElse(null);
        if (release != null) {
            return release.inProgress() ? DeploymentReplies.progressed(request.runId(), request.attempt(), release)
                    : DeploymentReplies.completed(request.runId(), request.attempt(), release);
        }
        ReleaseSource.Commit commit;
        Destination to;
        try {
            commit = source.read(request.repositoryUrl(), request.sha());
            to = Destination.of(request, commit.settings());
        } catch (GitAccessException | SettingsException e) {
            return unreadable(request, e);
        }
        if (request.project() != null && !request.project().equals(to.project())) {
            return DeploymentReplies.failed(request.runId(), request.attempt(), "the request names project " + request.project()
                    + ", but commit " + request.sha().substring(0, 12) + " of " + request.repositoryUrl() + " belongs to project "
                    + to.project(), false);
        }
        Release last = Release.lastSettledOfCommit(to.project(), request.environment(), request.sha()).orElse(null);
        if (last != null && last.outcome == Outcome.ROLLED_BACK && !retry) {
            return DeploymentReplies.completed(request.runId(), request.attempt(), Outcome.FAILED, "commit "
                    + request.sha().substring(0, 12) + " was rolled back in " + request.environment() + " (release " + last.id
                    + ": " + last.reason + "); it is not deployed again on its own: push a newer commit, or retry the run (POST /runs/{id}/retry)");
        }
        // Namespace first, then the environment (in plan and cluster): every deployment takes the two in that order.
        Release.lockNamespace(request.namespace());
        String taken = namespaceTaken(request.namespace(), to);
        if (taken != null) {
            return DeploymentReplies.completed(request.runId(), request.attempt(), Outcome.FAILED, taken);
        }
        try {
            release = mode == DeployMode.CLUSTER ? cluster.start(request, commit, to) : plan.deploy(request, commit, to);
        } catch (GitAccessException | SettingsException e) {
            return unreadable(request, e);
        } catch (ClusterDeployment.ClusterUnavailable e) {
            LOG.warnf("run %s: %s", request.runId(), e.getMessage());
            return DeploymentReplies.failed(request.runId(), request.attempt(), e.getMessage() + " (nothing was recorded)", true);
        }
        return release.inProgress() ? DeploymentReplies.progressed(request.runId(), request.attempt(), release)
                : DeploymentReplies.completed(request.runId(), request.attempt(), release);
    }

    /**
     * Where a release goes: the project the commit belongs to (its {@code .sluice.yaml}'s {@code project:}, else its
     * repository's) and whether its environment shares its namespace with other projects.
     */
    record Destination(String project, boolean shared) {
        static Destination of(DeploymentRequested request, dev.sluice.settings.SluiceSettings settings) {
            return new Destination(Projects.of(settings.project(), request.repositoryUrl()), settings.environment(request.environment())
                    .map(e -> Boolean.TRUE.equals(e.shared())).orElse(false));
        }
    }

    /**
     * Why the namespace is not this project's to deploy to, or null when it is: another project deployed there, and
     * not both of them say the namespace is shared. Read under the namespace lock.
     */
    private static String namespaceTaken(String namespace, Destination to) {
        for (Release other : Release.claimsOnNamespace(namespace, to.project())) {
            if (!to.shared() || !other.shared) {
                // The other's repository URL is left out: it may hold credentials, and this reason goes to another project.
                return "namespace " + namespace + " belongs to project " + other.project + " (release " + other.id
                        + ", environment " + other.environment + "); project " + to.project()
                        + " may not deploy there unless both projects mark their environment shared: true in .sluice.yaml"
                        + (to.shared() ? " (" + other.project + " does not)" : "");
            }
        }
        return null;
    }

    private List<CloudEvent> check(CloudEvent event) {
        DeploymentCheck check = EventCodec.data(event, DeploymentCheck.class);
        require(check.runId(), "runId", event);
        require(check.releaseId(), "releaseId", event);
        Release release = Release.locked(check.releaseId());
        if (release == null) {
            return List.of(DeploymentReplies.failed(check.runId(), check.attempt(), "unknown release " + check.releaseId(), false));
        }
        if (!check.runId().equals(release.runId)) {
            return List.of(DeploymentReplies.failed(check.runId(), check.attempt(), "release " + release.id + " belongs to "
                    + (release.runId == null ? "no run (a rollback)" : "run " + release.runId), false));
        }
        if (!release.inProgress()) {
            // A finished release (every plan-mode one) answers with its outcome, however often it is asked.
            return List.of(DeploymentReplies.completed(check.runId(), check.attempt(), release));
        }
        List<CloudEvent> out = new ArrayList<>();
        rollout.check(release, check.attempt()).ifPresent(out::add);
        return out;
    }

    private List<CloudEvent> rollback(CloudEvent event) {
        var request = EventCodec.data(event, EnvironmentRollback.RollbackRequest.class);
        require(request.environment(), "environment", event);
        try {
            return rollback.rollback(request, mode);
        } catch (SettingsException e) {
            throw new BadEventException("release to restore has a broken .sluice.yaml: " + e.getMessage());
        }
    }

    private static void require(Object value, String field, CloudEvent event) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new BadEventException("data of " + event.getType() + " is missing '" + field + "'");
        }
    }

    /**
     * The reply when the commit cannot be read: a repository the allowlist refuses and broken settings fail for good;
     * git that cannot be reached now is retried.
     */
    private static CloudEvent unreadable(DeploymentRequested request, RuntimeException e) {
        if (e instanceof RepositoryNotAllowedException) {
            LOG.warnf("run %s: refused %s: %s", request.runId(), request.repositoryUrl(), e.getMessage());
            return DeploymentReplies.failed(request.runId(), request.attempt(), e.getMessage(), false);
        }
        if (e instanceof GitAccessException) {
            LOG.warnf("run %s: cannot read %s at %s: %s", request.runId(), request.repositoryUrl(), request.sha(), e.getMessage());
            return DeploymentReplies.failed(request.runId(), request.attempt(), e.getMessage(), true);
        }
        return DeploymentReplies.failed(request.runId(), request.attempt(), e.getMessage(), false);
    }
}
