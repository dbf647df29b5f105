package dev.sluice.analyze;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import dev.sluice.delivery.FunqyIngress;
import dev.sluice.events.EventTypes;

/**
 * analyze as a Funqy Knative Events function: one {@code @Funq} method per event type it subscribes to, named as its
 * Trigger in knative/triggers.yaml. The work is {@link AnalysisHandler}'s, once per event ({@link FunqyIngress}); a new
 * type is a new method here beside the handler's type (the function refuses to start while the two differ).
 */
public class AnalyzeFunction {
    @Inject
    FunqyIngress ingress;

    @Funq("analyze-requested")
    @CloudEventMapping(trigger = EventTypes.ANALYSIS_REQUESTED)
    public CloudEvent<JsonNode> analysisRequested(CloudEvent<byte[]> event) {
        return ingress.handle(AnalysisHandler.FUNCTION, event);
    }
}
