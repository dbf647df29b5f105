package dev.sluice.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.MemorySize;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers that Vert.x gives before JAX-RS runs (no route, a body over the size limit, a failed handler, Funqy's own
 * failures) get the same JSON {@link ErrorBody} shape as everything else, instead of an empty, plain-text or HTML body;
 * an {@link EventAnswer} a function threw is written as it is.
 */
@ApplicationScoped
public class JsonFailures {
    private static final Logger LOG = Logger.getLogger(JsonFailures.class);

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    void install(@Observes Router router) {
        // before Quarkus' own check of the announced size (order -2), which answers 413 with no body
        long limit = maxBodySize.asLongValue();
        router.route().order(-3).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && isOver(length, limit)) {
                ctx.fail(413);
            } else {
                ctx.next();
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            EventAnswer answer = EventAnswer.in(ctx.failure());
            if (answer != null) {
                // a function's own answer (FunqyIngress): its JSON body as it is
                EventAnswer.write(ctx, answer.response());
            } else if (ctx.statusCode() < 0) {
                // an exception without a status (security's authentication failures among them): Quarkus knows its status
                ctx.next();
            } else {
                answer(ctx, ctx.statusCode());
            }
        });
        // what no handler answered: no route (404, 405) or a failure nobody handled
        for (int status : new int[] { 400, 404, 405, 406, 413, 414, 415, 431, 500, 501, 503 }) {
            router.errorHandler(status, ctx -> answer(ctx, status));
        }
    }

    private static boolean isOver(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }

    static void answer(RoutingContext ctx, int code) {
        if (ctx.response().headWritten() || ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        int status = code < 400 ? 500 : code;
        if (status >= 500 && ctx.failure() != null) {
            LOG.errorf(ctx.failure(), "%s %s failed", ctx.request().method(), ctx.request().path());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message(status, ctx));
        body.put("status", status);
        body.put("method", ctx.request().method().name());
        body.put("path", ctx.request().path());
        if (status == 413) {
            // the unread body would be taken for the next request: close, as Quarkus' own check does
            ctx.response().putHeader("Connection", "close").endHandler(v -> ctx.request().connection().close());
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.encode(body));
    }

    private static String message(int status, RoutingContext ctx) {
        return switch (status) {
            case 404 -> "nothing here: " + ctx.request().method() + " " + ctx.request().path();
            case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.request().path();
            case 413 -> ctx.request().getHeader("Content-Length") == null ? "request body too large"
                    : "request body of " + ctx.request().getHeader("Content-Length") + " bytes is too large";
            case 414 -> "request URI too long";
            case 431 -> "request headers too large";
            default -> {
                String reason = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
                yield ctx.failure() != null && status < 500 && ctx.failure().getMessage() != null
                        ? reason + ": " + ctx.failure().getMessage() : reason;
            }
        };
    }
}
