package dev.sluice.validate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.Events;

/** Posts dev.sluice.validation.requested events to the function, as route sends them. */
final class ValidationRequests {
    private ValidationRequests() {
    }

    static Map<String, Object> data(UUID runId, String repositoryUrl, String sha) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", runId == null ? null : runId.toString());
        data.put("attempt", 1);
        data.put("repositoryUrl", repositoryUrl);
        data.put("sha", sha);
        data.put("environment", "production");
        data.put("namespace", "shop");
        return data;
    }

    static Response post(String id, Map<String, Object> data) {
        try {
            Object runId = data.get("runId");
            return Events.postSigned("/", EventTypes.VALIDATION_REQUESTED, id, "/sluice/route",
                    runId == null ? null : runId.toString(), EventCodec.json().writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Response post(Map<String, Object> data) {
        return post(UUID.randomUUID().toString(), data);
    }

    static Response post(UUID runId, String repositoryUrl, String sha) {
        return post(data(runId, repositoryUrl, sha));
    }
}
