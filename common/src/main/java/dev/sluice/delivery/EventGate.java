package dev.sluice.delivery;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.ConfigProvider;

import io.cloudevents.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;

/**
 * The gate in front of Funqy's CloudEvents ingress ({@code POST /}, and {@code POST /fn/{function}} for one function's
 * types, where the local broker delivers). Funqy answers what it cannot take with bodiless 404/406/409/500s; the gate
 * answers it first, as the design contract says: the request is read as a CloudEvent with the SDK ({@link EventCodec},
 * binary or structured mode) and anything that is not a valid event of a type a function here takes gets 400 with a JSON
 * body naming the problem (batch mode, a missing content type or attribute, data that does not parse, an unknown type).
 * A valid event goes on to Funqy, which routes it by type to its {@code @Funq} method ({@link FunqyIngress}).
 * <p>
 * At start-up the gate also checks that Funqy's type mappings ({@code @CloudEventMapping(trigger = ...)}) and the types
 * the {@link EventHandler}s take are the same set: a handler type without a {@code @Funq} method would never be
 * delivered, so the function refuses to start and names it.
 */
@ApplicationScoped
public class EventGate {
    /** The routing-context key of the event the gate read and passed on. */
    static final String CHECKED = "sluice.checked-event";
    private static final String FN = "/fn/";

    @Inject
    EventDispatcher dispatcher;

    @Inject
    @Any
    Instance<EventHandler> handlers;

    @Inject
    Instance<RootPage> rootPage;

    /** The paths Funqy serves besides {@code /}: one per function name; not part of Sluice's API. */
    private Set<String> funqyPaths = Set.of();

    void install(@Observes Router router) {
        // after the body handler (order MIN_VALUE + 1) and the size limits (-3, -2), before every route, JAX-RS's too
        router.route().order(-1).handler(this::gate);
    }

    void checkMappings(@Observes StartupEvent start) {
        Map<String, String> triggers = funqyTriggers();
        Set<String> paths = new TreeSet<>();
        triggers.values().forEach(name -> paths.add("/" + name));
        funqyPaths = Set.copyOf(paths);
        Set<String> handled = new TreeSet<>();
        handlers.forEach(h -> handled.addAll(h.types()));
        Set<String> unmapped = new TreeSet<>(handled);
        unmapped.removeAll(triggers.keySet());
        Set<String> unhandled = new TreeSet<>(triggers.keySet());
        unhandled.removeAll(handled);
        if (!unmapped.isEmpty() || !unhandled.isEmpty()) {
            throw new IllegalStateException("Funqy's type mappings and the handlers' types differ: "
                    + (unmapped.isEmpty() ? "" : "no @Funq @CloudEventMapping(trigger = ...) method for " + unmapped + " (add one "
                            + "to the function's *Function class) ")
                    + (unhandled.isEmpty() ? "" : "no EventHandler takes " + unhandled));
        }
    }

    /** Trigger type -> Funqy function name, for every {@code @Funq} method of this application. */
    public static Map<String, String> funqyTriggers() {
        Map<String, String> triggers = new LinkedHashMap<>();
        if (FunctionRecorder.registry == null) {
            return triggers;
        }
        Collection<FunctionInvoker> invokers = FunctionRecorder.registry.invokers();
        for (FunctionInvoker invoker : invokers) {
            CloudEventMapping mapping = invoker.getMethod().getAnnotation(CloudEventMapping.class);
            triggers.put(mapping != null && !mapping.trigger().isEmpty() ? mapping.trigger() : invoker.getName(), invoker.getName());
            ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.funqy.knative-events.mapping." + invoker.getName() + ".trigger", String.class)
                    .ifPresent(t -> triggers.put(t, invoker.getName()));
        }
        return triggers;
    }

    /** The event the gate read from the request Funqy is serving, or null. */
    static CloudEvent checked(RoutingContext ctx) {
        return ctx == null ? null : ctx.get(CHECKED);
    }

    private void gate(RoutingContext ctx) {
        if (ctx.body().buffer() == null && ctx instanceof RoutingContextInternal internal) {
            // Funqy makes Quarkus read every request's body first; for a request without one (no Content-Length) the body
            // handler leaves none, and a JAX-RS resource that reads the body would wait for the consumed stream until the
            // read timeout (a minute) instead of reading an empty body
            internal.setBody(Buffer.buffer());
        }
        if (ctx.get(CHECKED) != null) {
            ctx.next(); // rerouted from /fn/{function}: read and checked already
            return;
        }
        String path = ctx.normalizedPath();
        String function;
        if ("/".equals(path)) {
            function = null;
        } else if (path.startsWith(FN) && path.length() > FN.length() && path.indexOf('/', FN.length()) < 0) {
            function = path.substring(FN.length());
        } else {
            if (funqyPaths.contains(path)) {
                JsonFailures.answer(ctx, 404); // Funqy's per-function paths are not Sluice's API
            } else {
                ctx.next();
            }
            return;
        }
        String method = ctx.request().method().name();
        if (function == null && ("GET".equals(method) || "HEAD".equals(method)) && rootPage.isResolvable()) {
            // route's dashboard: Funqy would answer GET / itself (404), so the page is served under its own path too
            String query = ctx.request().query();
            ctx.reroute(RootPage.PATH + (query == null || query.isEmpty() ? "" : "?" + query));
            return;
        }
        if (!"POST".equals(method)) {
            ctx.response().putHeader("Allow", "POST");
            JsonFailures.answer(ctx, 405);
            return;
        }
        Map<String, String> headers = flatten(ctx.request().headers());
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        CloudEvent event;
        try {
            event = EventCodec.read(headers, body == null ? new byte[0] : body.getBytes());
            requireFunqyReadsTheSameMode(ctx.request().headers());
        } catch (BadEventException e) {
            EventAnswer.write(ctx, ErrorBody.badInput(e));
            return;
        }
        Optional<Response> unknown = dispatcher.refuseUnknownType(function, event);
        if (unknown.isPresent()) {
            EventAnswer.write(ctx, unknown.get());
            return;
        }
        ctx.put(CHECKED, event);
        if (function == null) {
            ctx.next();
        } else {
            ctx.reroute("/"); // Funqy serves POST /: it routes by type, the gate has checked the type is this function's
        }
    }

    /**
     * Funqy takes a request with a {@code ce-id} header for binary mode and only the exact, lower-case
     * {@code application/cloudevents+json} for structured mode; the SDK reads the content type first and case-blind. A
     * request they would read differently is refused rather than handled as something else.
     */
    private static void requireFunqyReadsTheSameMode(MultiMap headers) {
        String contentType = headers.get("Content-Type");
        if (EventCodec.isStructured(contentType)) {
            if (!contentType.startsWith(EventCodec.STRUCTURED_JSON)) {
                throw new BadEventException("structured mode: write the content type as " + EventCodec.STRUCTURED_JSON
                        + " (lower case), not " + contentType, "content-type");
            }
            if (headers.contains("ce-id")) {
                throw new BadEventException("a structured-mode CloudEvent must not also carry a ce-id header: send one mode",
                        "ce-id");
            }
        }
    }

    /** The request's headers, the first value of each, as {@link EventCodec#read} takes them. */
    public static Map<String, String> flatten(MultiMap headers) {
        Map<String, String> flat = new LinkedHashMap<>();
        for (String name : headers.names()) {
            String value = headers.get(name);
            if (value != null) {
                flat.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return flat;
    }

    /** JAX-RS request headers, the first value of each, as {@link EventCodec#read} takes them. */
    public static Map<String, String> flatten(jakarta.ws.rs.core.HttpHeaders headers) {
        Map<String, String> flat = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> {
            if (!v.isEmpty()) {
                flat.put(k, v.get(0));
            }
        });
        return flat;
    }
}
