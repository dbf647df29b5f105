package dev.sluice.validate.funqy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import dev.sluice.delivery.EventHandler;
import dev.sluice.delivery.FunqyIngress;
import dev.sluice.events.EventCodec;

/**
 * A test function beside validate: it replies with what reached its handler (every attribute and extension with its
 * Java type, the data as text), so a test can see what the Funqy binding passes through.
 */
@ApplicationScoped
public class EchoHandler implements EventHandler {
    static final String TYPE = "dev.sluice.test.echo";
    static final String FUNCTION = "echo";

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("id", event.getId());
        seen.put("source", event.getSource().toString());
        seen.put("subject", event.getSubject());
        seen.put("datacontenttype", event.getDataContentType());
        Map<String, String> extensions = new TreeMap<>();
        for (String name : event.getExtensionNames()) {
            Object v = event.getExtension(name);
            extensions.put(name, v.getClass().getSimpleName() + ":" + v);
        }
        seen.put("extensions", extensions);
        seen.put("data", event.getData() == null ? null : new String(event.getData().toBytes(), StandardCharsets.UTF_8));
        return List.of(EventCodec.event(TYPE + "ed", FUNCTION, null, seen));
    }

    /** The @Funq method of the echo type, as a function declares its own. */
    public static class EchoFunction {
        @Inject
        FunqyIngress ingress;

        @Funq("echo")
        @CloudEventMapping(trigger = TYPE)
        public io.quarkus.funqy.knative.events.CloudEvent<JsonNode> echo(io.quarkus.funqy.knative.events.CloudEvent<byte[]> event) {
            return ingress.handle(FUNCTION, event);
        }
    }
}
