package dev.sluice.route.intake;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import dev.sluice.delivery.FunqyIngress;
import dev.sluice.events.EventTypes;
import dev.sluice.route.orchestration.RunOrchestrator;

/**
 * route as a Funqy Knative Events function: one {@code @Funq} method per event type it subscribes to, named as its
 * Trigger in knative/triggers.yaml. The work is {@link RouteEvents}'s, once per event ({@link FunqyIngress}); a new
 * type is a new method here beside the handler's type (the function refuses to start while the two differ).
 * The PingSource's ticks arrive as {@code dev.knative.sources.ping} (Trigger route-ping in knative/ping.yaml).
 */
public class RouteFunction {
    @Inject
    FunqyIngress ingress;

    @Funq("route-github-push")
    @CloudEventMapping(trigger = EventTypes.GITHUB_PUSH)
    public CloudEvent<JsonNode> githubPush(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-gitlab-push")
    @CloudEventMapping(trigger = EventTypes.GITLAB_PUSH)
    public CloudEvent<JsonNode> gitlabPush(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-gitlab-tag-push")
    @CloudEventMapping(trigger = EventTypes.GITLAB_TAG_PUSH)
    public CloudEvent<JsonNode> gitlabTagPush(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-push")
    @CloudEventMapping(trigger = EventTypes.PUSH)
    public CloudEvent<JsonNode> push(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-analysis-completed")
    @CloudEventMapping(trigger = EventTypes.ANALYSIS_COMPLETED)
    public CloudEvent<JsonNode> analysisCompleted(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-validation-completed")
    @CloudEventMapping(trigger = EventTypes.VALIDATION_COMPLETED)
    public CloudEvent<JsonNode> validationCompleted(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-tests-progressed")
    @CloudEventMapping(trigger = EventTypes.TESTS_PROGRESSED)
    public CloudEvent<JsonNode> testsProgressed(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-tests-completed")
    @CloudEventMapping(trigger = EventTypes.TESTS_COMPLETED)
    public CloudEvent<JsonNode> testsCompleted(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-deployment-progressed")
    @CloudEventMapping(trigger = EventTypes.DEPLOYMENT_PROGRESSED)
    public CloudEvent<JsonNode> deploymentProgressed(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-deployment-completed")
    @CloudEventMapping(trigger = EventTypes.DEPLOYMENT_COMPLETED)
    public CloudEvent<JsonNode> deploymentCompleted(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-step-failed")
    @CloudEventMapping(trigger = EventTypes.STEP_FAILED)
    public CloudEvent<JsonNode> stepFailed(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-run-approve")
    @CloudEventMapping(trigger = EventTypes.RUN_APPROVE)
    public CloudEvent<JsonNode> runApprove(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-run-reject")
    @CloudEventMapping(trigger = EventTypes.RUN_REJECT)
    public CloudEvent<JsonNode> runReject(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-run-cancel")
    @CloudEventMapping(trigger = EventTypes.RUN_CANCEL)
    public CloudEvent<JsonNode> runCancel(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-run-retry")
    @CloudEventMapping(trigger = EventTypes.RUN_RETRY)
    public CloudEvent<JsonNode> runRetry(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-tick")
    @CloudEventMapping(trigger = EventTypes.TICK)
    public CloudEvent<JsonNode> tick(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }

    @Funq("route-ping")
    @CloudEventMapping(trigger = RouteEvents.PING)
    public CloudEvent<JsonNode> ping(CloudEvent<byte[]> event) {
        return ingress.handle(RunOrchestrator.FUNCTION, event);
    }
}
