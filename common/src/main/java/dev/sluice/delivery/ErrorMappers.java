package dev.sluice.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;
import dev.sluice.events.BadEventException;
import dev.sluice.events.StorableText;

/**
 * Every error a function answers through JAX-RS is a JSON {@link ErrorBody}: bad input (400 naming the field), the
 * answers RESTEasy gives before our code runs (404 unknown path, 405 wrong method, 415, 406) and anything
 * unexpected (500). Answers that never reach JAX-RS are made JSON by {@link JsonFailures}.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** Headers an error answer must keep: what to do next (Allow, WWW-Authenticate, Retry-After). */
    private static final List<String> KEPT = List.of(HttpHeaders.ALLOW, HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER);

    /**
     * Text PostgreSQL cannot store in a path parameter, query parameter or header is refused before a resource sees
     * it (bodies and CloudEvents are checked where they are parsed).
     */
    @ServerRequestFilter
    public Optional<Response> storableParameters(UriInfo uri, HttpHeaders headers) {
        try {
            uri.getPathParameters().forEach((name, values) -> values.forEach(v -> StorableText.require("path parameter " + name, v)));
            uri.getQueryParameters().forEach((name, values) -> {
                StorableText.require("a query parameter name", name);
                values.forEach(v -> StorableText.require("query parameter " + name, v));
            });
            headers.getRequestHeaders().forEach((name, values) -> values.forEach(v -> StorableText.require("header " + name, v)));
            return Optional.empty();
        } catch (BadEventException e) {
            return Optional.of(ErrorBody.badInput(e));
        }
    }

    @ServerExceptionMapper
    public Response badInput(BadEventException e) {
        return ErrorBody.badInput(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original; // our own answer, already a body
        }
        int status = original.getStatus();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", request.method().name());
        details.put("path", request.path());
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            details.put("allowed", allow);
        }
        Response body = ErrorBody.response(status, describe(status, request, e), details);
        Response.ResponseBuilder r = Response.fromResponse(body);
        for (String h : KEPT) {
            String v = original.getHeaderString(h);
            if (v != null) {
                r.header(h, v);
            }
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        LOG.errorf(e, "%s %s failed", request.method(), request.path());
        return ErrorBody.response(500, "internal error: " + e.getClass().getSimpleName(),
                Map.of("method", request.method().name(), "path", request.path()));
    }

    private static String describe(int status, HttpServerRequest request, WebApplicationException e) {
        String what = request.method() + " " + request.path();
        return switch (status) {
            case 404 -> "nothing here: " + what;
            case 405 -> "method " + request.method() + " is not allowed on " + request.path();
            case 406 -> "cannot answer " + what + " in the media type asked for (Accept: " + request.getHeader("Accept") + "); answers are JSON";
            case 415 -> "content type " + request.getHeader("Content-Type") + " is not accepted by " + what;
            default -> {
                String m = e.getMessage();
                yield m == null || m.isBlank() ? Response.Status.fromStatusCode(status) == null ? "HTTP " + status
                        : Response.Status.fromStatusCode(status).getReasonPhrase() : m;
            }
        };
    }
}
