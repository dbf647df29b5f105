package dev.sluice.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error Sluice answers: {"error": what is wrong, "status": code, ...details}. */
public final class ErrorBody {
    private ErrorBody() {
    }

    public static Response response(int status, String error) {
        return response(status, error, Map.of());
    }

    /** The 400 for bad input, naming the field at fault when the exception knows it. */
    public static Response badInput(dev.sluice.events.BadEventException e) {
        return badInput(e, Map.of());
    }

    public static Response badInput(dev.sluice.events.BadEventException e, Map<String, ?> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        if (e.field() != null) {
            all.put("field", e.field());
        }
        return response(400, e.getMessage(), all);
    }

    public static Response response(int status, String error, Map<String, ?> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", status);
        body.putAll(details);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
