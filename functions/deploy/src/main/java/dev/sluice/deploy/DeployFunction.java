package dev.sluice.deploy;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import dev.sluice.delivery.FunqyIngress;
import dev.sluice.events.EventTypes;

/**
 * deploy as a Funqy Knative Events function: one {@code @Funq} method per event type it subscribes to, named as its
 * Trigger in knative/triggers.yaml. The work is {@link DeploymentHandler}'s, once per event ({@link FunqyIngress}); a new
 * type is a new method here beside the handler's type (the function refuses to start while the two differ).
 */
public class DeployFunction {
    @Inject
    FunqyIngress ingress;

    @Funq("deploy-requested")
    @CloudEventMapping(trigger = EventTypes.DEPLOYMENT_REQUESTED)
    public CloudEvent<JsonNode> deploymentRequested(CloudEvent<byte[]> event) {
        return ingress.handle(DeploymentHandler.FUNCTION, event);
    }

    @Funq("deploy-check")
    @CloudEventMapping(trigger = EventTypes.DEPLOYMENT_CHECK)
    public CloudEvent<JsonNode> deploymentCheck(CloudEvent<byte[]> event) {
        return ingress.handle(DeploymentHandler.FUNCTION, event);
    }

    @Funq("deploy-drift-check")
    @CloudEventMapping(trigger = EventTypes.DRIFT_CHECK)
    public CloudEvent<JsonNode> driftCheck(CloudEvent<byte[]> event) {
        return ingress.handle(DeploymentHandler.FUNCTION, event);
    }

    @Funq("deploy-environment-rollback")
    @CloudEventMapping(trigger = EventTypes.ENVIRONMENT_ROLLBACK)
    public CloudEvent<JsonNode> environmentRollback(CloudEvent<byte[]> event) {
        return ingress.handle(DeploymentHandler.FUNCTION, event);
    }
}
