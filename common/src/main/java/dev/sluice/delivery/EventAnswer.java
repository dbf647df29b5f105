package dev.sluice.delivery;

import jakarta.ws.rs.core.Response;

import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/**
 * An answer that is not the event's reply (a JSON {@link ErrorBody}: 400, 503 with Retry-After, 500), thrown out of a
 * {@code @Funq} method so that Funqy fails the request with it; {@link JsonFailures} writes it as it is.
 */
public class EventAnswer extends RuntimeException {
    private final transient Response response;

    public EventAnswer(Response response) {
        super(String.valueOf(response.getEntity()), null, false, false);
        this.response = response;
    }

    public Response response() {
        return response;
    }

    /** The answer carried by {@code failure} or one of its causes (Funqy wraps what a function throws), or null. */
    static EventAnswer in(Throwable failure) {
        return EventDispatcher.find(failure, EventAnswer.class);
    }

    /** Writes a JSON {@link ErrorBody} response on a Vert.x request, headers (Retry-After, Allow) included. */
    static void write(RoutingContext ctx, Response response) {
        if (ctx.response().headWritten() || ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        response.getStringHeaders().forEach((name, values) -> values.forEach(v -> ctx.response().headers().add(name, v)));
        ctx.response().setStatusCode(response.getStatus()).putHeader("Content-Type", "application/json")
                .end(Json.encode(response.getEntity()));
    }
}
