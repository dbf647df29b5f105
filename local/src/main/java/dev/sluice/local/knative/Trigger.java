package dev.sluice.local.knative;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.cloudevents.types.Time;

/**
 * A Knative Trigger: events of its broker whose attributes equal every {@code filter.attributes} entry
 * (no filter: all events) go to its subscriber, with its own delivery spec or else the broker's.
 *
 * @param delivery null when the Trigger has no {@code spec.delivery}
 */
public record Trigger(String name, String broker, Map<String, String> filter, Destination subscriber, DeliverySpec delivery) {

    public static Trigger from(KnativeFiles.KnativeObject object, java.time.Duration defaultTimeout) {
        JsonNode spec = object.content().path("spec");
        String where = object.file() + ": Trigger " + object.name();
        if (spec.has("filters")) {
            throw new IllegalStateException(where + ": spec.filters (the SQL/prefix filter dialect) is not supported by the local broker; use filter.attributes");
        }
        Map<String, String> filter = new LinkedHashMap<>();
        spec.path("filter").path("attributes").properties().forEach(e -> filter.put(e.getKey(), e.getValue().asText()));
        DeliverySpec delivery = spec.hasNonNull("delivery") ? DeliverySpec.from(spec.get("delivery"), defaultTimeout, where) : null;
        return new Trigger(object.name(), spec.path("broker").asText(), Map.copyOf(filter),
                Destination.from(spec.path("subscriber"), where + ": subscriber"), delivery);
    }

    public boolean matches(CloudEvent event) {
        for (var e : filter.entrySet()) {
            if (!e.getValue().equals(attribute(event, e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A context attribute or extension of the event as text, null when the event has none. */
    static String attribute(CloudEvent event, String name) {
        Object value = switch (name) {
            case "specversion" -> event.getSpecVersion().toString();
            case "id" -> event.getId();
            case "type" -> event.getType();
            case "source" -> event.getSource();
            case "datacontenttype" -> event.getDataContentType();
            case "dataschema" -> event.getDataSchema();
            case "subject" -> event.getSubject();
            case "time" -> event.getTime() == null ? null : Time.writeTime(event.getTime());
            default -> event.getExtension(name);
        };
        return value == null ? null : value.toString();
    }
}
