package dev.sluice.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.response.Response;

/** Real CloudEvents over HTTP for tests, binary or structured mode. */
public final class Events {
    private Events() {
    }

    /** Posts a binary-mode CloudEvent with JSON data to {@code path}. */
    public static Response postBinary(String path, String type, String id, String source, String subject, String jsonData) {
        var req = given().contentType("application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", source);
        if (subject != null) {
            req.header("ce-subject", subject);
        }
        return req.body(jsonData).post(path);
    }

    public static Response postBinary(String path, String type, String jsonData) {
        return postBinary(path, type, UUID.randomUUID().toString(), "/test", null, jsonData);
    }

    /** Posts a structured-mode CloudEvent. */
    public static Response postStructured(String path, String type, String id, String source, String jsonData) {
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"" + source
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + jsonData + "}";
        return given().contentType("application/cloudevents+json").body(body).post(path);
    }

    /** A dev.sluice.push payload as JSON. */
    public static String push(String repoUrl, String ref, String before, String after) {
        return "{\"repository\":{\"url\":\"" + repoUrl + "\",\"name\":\"test\"},\"ref\":\"" + ref + "\",\"before\":"
                + (before == null ? "null" : "\"" + before + "\"") + ",\"after\":\"" + after
                + "\",\"commits\":[],\"pusher\":\"tester\"}";
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static <T> List<T> list(@SuppressWarnings("unchecked") T... items) {
        return List.of(items);
    }
}
