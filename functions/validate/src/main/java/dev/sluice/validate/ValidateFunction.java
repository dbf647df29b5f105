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

    /** Start the repository's own tests ({@link dev.sluice.validate.tests.TestsHandler}). */
    @Funq("validate-tests-requested")
    @CloudEventMapping(trigger = EventTypes.TESTS_REQUESTED)
    public CloudEvent<JsonNode> testsRequested(CloudEvent<byte[]> event) {
        return ingress.handle(ValidationHandler.FUNCTION, event);
    }

    /** How are the tests doing (or, with stop, stop them). */
    @Funq("validate-tests-check")
    @CloudEventMapping(trigger = EventTypes.TESTS_CHECK)
    public CloudEvent<JsonNode> testsCheck(CloudEvent<byte[]> event) {
        return ingress.handle(ValidationHandler.FUNCTION, event);
    }
}
