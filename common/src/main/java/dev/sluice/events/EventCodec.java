package dev.sluice.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;

/**
 * The one codec for CloudEvents over HTTP, used by every function, the outbox relay and the local
 * broker: reads binary and structured mode, writes either, and maps event data to payload records.
 */
public final class EventCodec {
    private EventCodec() {
    }

    public static final String STRUCTURED_JSON = JsonFormat.CONTENT_TYPE;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final EventFormat FORMAT = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    public static ObjectMapper json() {
        return JSON;
    }

    /** An HTTP message that carries one CloudEvent: header names as they go on the wire. */
    public record HttpMessage(Map<String, String> headers, byte[] body) {
    }

    /**
     * Reads a CloudEvent from an HTTP request or response, binary or structured mode.
     *
     * @throws BadEventException naming what is wrong when the message is not a valid CloudEvent
     */
    public static CloudEvent read(Map<String, String> headers, byte[] body) {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        String contentType = lower.get("content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents-batch")) {
            throw new BadEventException("batch mode (application/cloudevents-batch+json) is not supported: send one event per request");
        }
        if (!lower.containsKey("ce-specversion") && !isStructured(contentType)) {
            if (lower.containsKey("ce-id") || lower.containsKey("ce-type")) {
                throw new BadEventException("binary-mode CloudEvent without the ce-specversion header");
            }
            throw new BadEventException("not a CloudEvent: expected ce-* headers (binary mode) or Content-Type "
                    + STRUCTURED_JSON + " (structured mode), got Content-Type " + contentType);
        }
        if (isStructured(contentType) && (body == null || body.length == 0)) {
            throw new BadEventException("structured-mode CloudEvent with an empty body");
        }
        try {
            MessageReader reader = HttpMessageFactory.createReader(lower, body);
            CloudEvent event = reader.toEvent();
            requireAttribute(event.getId(), "id");
            requireAttribute(event.getType(), "type");
            if (event.getSource() == null || event.getSource().toString().isEmpty()) {
                throw new BadEventException("CloudEvent attribute 'source' is missing or empty");
            }
            requireLength(event.getId(), "id", MAX_ID);
            requireLength(event.getType(), "type", MAX_TYPE);
            requireLength(event.getSource().toString(), "source", MAX_SOURCE);
            requireLength(event.getSubject(), "subject", MAX_ID);
            requireStorableAttributes(event);
            requireJsonDataParses(event);
            return event;
        } catch (BadEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadEventException("not a valid CloudEvent: " + rootMessage(e), e);
        }
    }

    /** What the inbox and the runs' audit columns hold: a longer attribute is refused, not cut or failed on. */
    public static final int MAX_ID = 500;
    public static final int MAX_TYPE = 255;
    public static final int MAX_SOURCE = 2000;

    private static void requireLength(String value, String name, int max) {
        if (value != null && value.length() > max) {
            throw new BadEventException("CloudEvent attribute '" + name + "' is " + value.length() + " characters long: at most "
                    + max + " are accepted");
        }
    }

    /** Every attribute and extension ends up in a text column or a log line: refuse what PostgreSQL cannot store. */
    private static void requireStorableAttributes(CloudEvent event) {
        StorableText.require("CloudEvent attribute 'id'", event.getId());
        StorableText.require("CloudEvent attribute 'type'", event.getType());
        StorableText.require("CloudEvent attribute 'source'", event.getSource().toString());
        StorableText.require("CloudEvent attribute 'subject'", event.getSubject());
        StorableText.require("CloudEvent attribute 'datacontenttype'", event.getDataContentType());
        StorableText.require("CloudEvent attribute 'dataschema'", event.getDataSchema() == null ? null : event.getDataSchema().toString());
        for (String name : event.getExtensionNames()) {
            StorableText.require("CloudEvent extension '" + name + "'", String.valueOf(event.getExtension(name)));
        }
    }

    private static void requireAttribute(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new BadEventException("CloudEvent attribute '" + name + "' is missing or empty");
        }
    }

    // the rule of the SDK's JsonFormat: data without a content type, or with a JSON one, is written inline as JSON
    private static final Pattern JSON_CONTENT_TYPE = Pattern.compile("^(application|text)/([a-zA-Z]+\\+)?json(;.*)*$");

    /**
     * Data declared JSON (or undeclared, which the CloudEvents JSON format takes for JSON) must parse: such data is
     * written inline into a structured event, so data that does not parse would make an event nobody can read again.
     */
    private static void requireJsonDataParses(CloudEvent event) {
        if (event.getData() == null) {
            return;
        }
        byte[] data = event.getData().toBytes();
        String dct = event.getDataContentType();
        if (data.length == 0 || (dct != null && !JSON_CONTENT_TYPE.matcher(dct.trim()).matches())) {
            return;
        }
        try {
            StorableText.requireTree("data", JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(data));
        } catch (JsonProcessingException e) {
            throw new BadEventException("data " + (dct == null ? "without a content type (so JSON)" : "declared " + dct)
                    + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new BadEventException("data cannot be read: " + rootMessage(e), e);
        }
    }

    public static boolean isStructured(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json");
    }

    /** Maps the event's data to a payload record; a missing or unparseable payload is a {@link BadEventException}. */
    public static <T> T data(CloudEvent event, Class<T> type) {
        return data(event, dataTree(event), type);
    }

    /** Maps data already read with {@link #dataTree} to a payload record, with the same errors as {@link #data(CloudEvent, Class)}. */
    public static <T> T data(CloudEvent event, JsonNode tree, Class<T> type) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw new BadEventException("data of " + event.getType() + " does not parse: " + describe(e), e);
        } catch (JsonProcessingException e) {
            throw new BadEventException("data of " + event.getType() + " does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** The event's data as a JSON tree; it must be a JSON object. */
    public static JsonNode dataTree(CloudEvent event) {
        if (event.getData() == null) {
            throw new BadEventException("event of type " + event.getType() + " has no data");
        }
        String dct = event.getDataContentType();
        if (dct != null && !dct.toLowerCase(Locale.ROOT).contains("json")) {
            throw new BadEventException("data content type " + dct + " is not JSON");
        }
        try {
            JsonNode tree = JSON.readTree(event.getData().toBytes());
            if (tree == null || !tree.isObject()) {
                throw new BadEventException("data of " + event.getType() + " must be a JSON object");
            }
            // read checks data whose content type is JSON by its pattern; any "json" type read here ends in columns too
            StorableText.requireTree("data", tree);
            return tree;
        } catch (JsonProcessingException e) {
            throw new BadEventException("data of " + event.getType() + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new BadEventException("data of " + event.getType() + " cannot be read", e);
        }
    }

    private static String describe(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        return path.length() > 0 ? "field '" + path + "': " + msg : msg;
    }

    /** A new event from a Sluice function, with a fresh id. */
    public static CloudEvent event(String type, String function, UUID runId, Object data) {
        return event(UUID.randomUUID().toString(), type, EventTypes.source(function), runId == null ? null : runId.toString(), data);
    }

    public static CloudEvent event(String id, String type, String source, String subject, Object data) {
        try {
            CloudEventBuilder builder = CloudEventBuilder.v1()
                    .withId(id)
                    .withType(type)
                    .withSource(URI.create(source))
                    .withTime(OffsetDateTime.now(ZoneOffset.UTC));
            if (subject != null) {
                builder.withSubject(subject);
            }
            if (data != null) {
                builder.withDataContentType("application/json").withData(JSON.writeValueAsBytes(data));
            }
            return TraceContext.stamp(builder).build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise event data of " + type, e);
        }
    }

    public static byte[] toStructured(CloudEvent event) {
        return FORMAT.serialize(event);
    }

    public static String toStructuredString(CloudEvent event) {
        return new String(toStructured(event), StandardCharsets.UTF_8);
    }

    public static CloudEvent fromStructured(byte[] body) {
        return FORMAT.deserialize(body);
    }

    public static CloudEvent fromStructured(String body) {
        return fromStructured(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes an event as an HTTP message in binary or structured mode. */
    public static HttpMessage write(CloudEvent event, boolean structured) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[][] body = new byte[1][];
        var writer = HttpMessageFactory.createWriter(headers::put, b -> body[0] = b);
        if (structured) {
            writer.writeStructured(event, FORMAT);
        } else {
            writer.writeBinary(event);
        }
        return new HttpMessage(headers, body[0] == null ? new byte[0] : body[0]);
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
