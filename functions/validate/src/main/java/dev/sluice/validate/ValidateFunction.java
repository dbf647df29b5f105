package dev.sluice.validate;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import dev.sluice.delivery.FunqyIngress;
import dev.sluice.events.EventTypes;

/**
 * validate as a Funqy Knative Events function: one {@code @Funq} method per event type it subscribes to, named as its
 * Trigger in knative/triggers.yaml. The work is {@link ValidationHandler}'s, once per event ({@link FunqyIngress}); a new
 * type is a new method here beside the handler's type (the function refuses to start while the two differ).
 */
public class ValidateFunction {
    @Inject
    FunqyIngress ingress;

    @Funq("validate-requested")
    @CloudEventMapping(trigger = EventTypes.VALIDATION_REQUESTED)
    public CloudEvent<JsonNode> validationRequested(CloudEvent<byte[]> event) {
        return ingress.handle(ValidationHandler.FUNCTION, event);
    }
}
