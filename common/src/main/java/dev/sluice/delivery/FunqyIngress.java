package dev.sluice.delivery;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;

/**
 * What a function's {@code @Funq} methods hand their event to: Funqy has routed the event by its type (the method's
 * {@code @CloudEventMapping}), {@link EventGate} has already refused what is not a valid event of a type this process
 * takes. The event goes to the {@link EventDispatcher} with every attribute and extension it came with; the reply is the
 * stored one (the same id for a redelivery), given back to Funqy as a {@code CloudEvent} so that Funqy writes it in the
 * request's mode. An error the dispatcher answers (400, 503, 500) is thrown as an {@link EventAnswer}, which
 * {@link JsonFailures} writes with its JSON body.
 */
@ApplicationScoped
public class FunqyIngress {
    @Inject
    EventDispatcher dispatcher;

    @Inject
    CurrentVertxRequest request;

    /** Handles {@code in} as {@code function}; null when there is no reply (Funqy answers 204). */
    public CloudEvent<JsonNode> handle(String function, CloudEvent<byte[]> in) {
        EventDispatcher.Outcome outcome = dispatcher.handle(function, toSdk(in, EventGate.checked(request.getCurrent())));
        if (outcome.error() != null) {
            throw new EventAnswer(outcome.error());
        }
        return outcome.reply() == null ? null : toFunqy(outcome.reply());
    }

    /**
     * The SDK event the handlers read, from the one Funqy parsed. Funqy's structured-mode reader gives a number or
     * boolean extension as null (it keeps text values only); such a value is taken from the gate's parse of the same
     * request, so that every extension reaches the handler as the SDK reads it.
     */
    static io.cloudevents.CloudEvent toSdk(CloudEvent<byte[]> in, io.cloudevents.CloudEvent checked) {
        try {
            CloudEventBuilder b = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(in.specVersion()))
                    .withId(in.id())
                    .withType(in.type())
                    .withSource(URI.create(in.source()));
            if (in.subject() != null) {
                b.withSubject(in.subject());
            }
            if (in.time() != null) {
                b.withTime(in.time());
            }
            if (in.dataSchema() != null) {
                b.withDataSchema(URI.create(in.dataSchema()));
            }
            if (in.dataContentType() != null) {
                b.withDataContentType(in.dataContentType());
            }
            in.extensions().forEach((name, value) -> {
                String key = name.toLowerCase(Locale.ROOT);
                Object v = value != null ? value : checked == null ? null : checked.getExtension(key);
                if (v instanceof Number n) {
                    b.withExtension(key, n);
                } else if (v instanceof Boolean bool) {
                    b.withExtension(key, bool);
                } else if (v != null) {
                    b.withExtension(key, v.toString());
                }
            });
            // Funqy has no buffer for a request without a body, and fails on reading its data: the gate saw none
            byte[] data = checked != null && checked.getData() == null ? null : in.data();
            if (data != null && data.length > 0) {
                b.withData(data);
            }
            return b.build();
        } catch (RuntimeException e) {
            // the gate parsed the same request with the SDK; a value Funqy reads otherwise is still the sender's fault
            throw new EventAnswer(ErrorBody.badInput(new BadEventException("not a valid CloudEvent: " + EventCodec.rootMessage(e), e)));
        }
    }

    /** The stored reply as Funqy writes it: every attribute and extension (the proof among them) kept, JSON data. */
    static CloudEvent<JsonNode> toFunqy(io.cloudevents.CloudEvent reply) {
        Map<String, String> extensions = new LinkedHashMap<>();
        for (String name : reply.getExtensionNames()) {
            extensions.put(name, String.valueOf(reply.getExtension(name)));
        }
        return io.quarkus.funqy.knative.events.CloudEventBuilder.create()
                .specVersion(reply.getSpecVersion().toString())
                .id(reply.getId())
                .type(reply.getType())
                .source(reply.getSource().toString())
                .subject(reply.getSubject())
                .time(reply.getTime())
                .dataSchema(reply.getDataSchema() == null ? null : reply.getDataSchema().toString())
                .extensions(extensions)
                .build(EventCodec.dataTree(reply));
    }
}
