package dev.sluice.events;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.MDC;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The trace context inside CloudEvents, as the CloudEvents distributed-tracing extension carries it: the W3C
 * {@code traceparent} and, when there is one, {@code tracestate} extension attributes. Every event Sluice makes
 * ({@link EventCodec#event}) carries the context current where it is made; the CloudEvents binding runs each handler
 * inside {@link #around}, a span that continues the received event's trace. So one run is one trace from its push through
 * route, analyze, validate and deploy, across the broker and route's outbox (an outbox row stores the whole event, these
 * attributes included). The attributes are outside the proof (EventProof signs type, source, id, subject and data), so a
 * broker that rewrites them breaks no signature. With the OpenTelemetry SDK disabled (the default) no span is exported,
 * but contexts are still made and passed on, so a collector turned on later sees whole runs. {@link #around} also puts the event's id, type and run id into the
 * logging MDC ({@code eventId}, {@code eventType}, {@code runId}), so JSON logs carry them as fields.
 */
@ApplicationScoped
public class TraceContext {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<CloudEvent> FROM_EVENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(CloudEvent event) {
            return event.getExtensionNames();
        }

        @Override
        public String get(CloudEvent event, String key) {
            Object v = event == null ? null : event.getExtension(key);
            return v == null ? null : v.toString();
        }
    };

    private static final TextMapSetter<CloudEventBuilder> INTO_EVENT = (builder, key, value) -> {
        if (builder != null && (TRACEPARENT.equals(key) || TRACESTATE.equals(key))) {
            builder.withExtension(key, value);
        }
    };

    @Inject
    Tracer tracer;

    /** The trace context an event carries (none: the root context). */
    public static Context extract(CloudEvent event) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), event, FROM_EVENT);
    }

    /** Writes the current trace context into an event being built; nothing when there is none. */
    public static CloudEventBuilder stamp(CloudEventBuilder builder) {
        W3CTraceContextPropagator.getInstance().inject(Context.current(), builder, INTO_EVENT);
        return builder;
    }

    /**
     * Runs a function's handling of {@code event} in a CONSUMER span named {@code "<function> process <type>"}, a child of
     * the event's trace context (else of whatever is current, e.g. the HTTP request's span), with the event's id, type and
     * run in the MDC. Events made inside carry the span's context.
     */
    public <T> T around(String function, CloudEvent event, Callable<T> work) throws Exception {
        Context parent = event.getExtension(TRACEPARENT) != null ? extract(event) : Context.current();
        Span span = tracer.spanBuilder(function + " process " + event.getType()).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("cloudevents.event_id", event.getId())
                .setAttribute("cloudevents.event_source", String.valueOf(event.getSource()))
                .setAttribute("cloudevents.event_type", event.getType())
                .setAttribute("cloudevents.event_subject", event.getSubject() == null ? "" : event.getSubject())
                .setAttribute("sluice.function", function).startSpan();
        Map<String, Object> before = MDC.getMap();
        MDC.put("eventId", event.getId());
        MDC.put("eventType", event.getType());
        String run = runId(event);
        if (run != null) {
            MDC.put("runId", run);
        }
        try (Scope ignored = span.makeCurrent()) {
            return work.call();
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
            restore(before, "eventId", "eventType", "runId");
        }
    }

    /** The run a Sluice event names: its {@code subject} (set on every dev.sluice.* event Sluice makes), else {@code data.runId}. */
    private static String runId(CloudEvent event) {
        String named = event.getSubject();
        if (named == null && event.getType().startsWith("dev.sluice.") && !EventTypes.PUSH.equals(event.getType())) {
            try {
                named = EventCodec.dataTree(event).path("runId").asText(null);
            } catch (RuntimeException e) {
                return null; // the handler says what is wrong with the data
            }
        }
        try {
            return named == null ? null : UUID.fromString(named).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void restore(Map<String, Object> before, String... keys) {
        for (String k : keys) {
            Object was = before == null ? null : before.get(k);
            if (was == null) {
                MDC.remove(k);
            } else {
                MDC.put(k, was);
            }
        }
    }
}
