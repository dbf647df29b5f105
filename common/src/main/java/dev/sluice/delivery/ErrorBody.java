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

    public static Response response(int status, String error, Map<String, ?> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", status);
        body.putAll(details);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
