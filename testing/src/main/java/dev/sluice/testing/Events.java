package dev.sluice.testing;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.restassured.response.Response;
import dev.sluice.events.EventProof;

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

    /**
     * The event key of every module's %test profile ({@code %test.sluice.events.keys}): stage events a test posts by
     * hand are signed with it, as Sluice's functions sign theirs.
     */
    public static final String TEST_EVENT_KEY = "sluice-test-event-key-not-a-secret";

    /** Posts a binary-mode CloudEvent with JSON data, signed with {@link #TEST_EVENT_KEY} as a Sluice function signs it. */
    public static Response postSigned(String path, String type, String id, String source, String subject, String jsonData) {
        return postSigned(path, type, id, source, subject, jsonData, TEST_EVENT_KEY);
    }

    /** Posts a binary-mode CloudEvent with JSON data, signed with {@code key}. */
    public static Response postSigned(String path, String type, String id, String source, String subject, String jsonData,
            String key) {
        var req = given().contentType("application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", source)
                .header("ce-" + EventProof.EXTENSION, proof(type, id, source, subject, jsonData, key));
        if (subject != null) {
            req.header("ce-subject", subject);
        }
        return req.body(jsonData).post(path);
    }

    /** Posts a structured-mode CloudEvent, signed with {@link #TEST_EVENT_KEY}. */
    public static Response postSignedStructured(String path, String type, String id, String source, String subject,
            String jsonData) {
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"" + source
                + (subject == null ? "" : "\",\"subject\":\"" + subject) + "\",\"" + EventProof.EXTENSION + "\":\""
                + proof(type, id, source, subject, jsonData, TEST_EVENT_KEY) + "\",\"datacontenttype\":\"application/json\",\"data\":"
                + jsonData + "}";
        return given().contentType("application/cloudevents+json").body(body).post(path);
    }

    /** The proof (CloudEvent attribute {@code sluiceproof}) of an event with JSON data, with {@link #TEST_EVENT_KEY}. */
    public static String proof(String type, String id, String source, String subject, String jsonData) {
        return proof(type, id, source, subject, jsonData, TEST_EVENT_KEY);
    }

    public static String proof(String type, String id, String source, String subject, String jsonData, String key) {
        var event = CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create(source))
                .withDataContentType("application/json").withData(jsonData.getBytes(StandardCharsets.UTF_8));
        if (subject != null) {
            event.withSubject(subject);
        }
        return EventProof.proof(event.build(), key.getBytes(StandardCharsets.UTF_8));
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
