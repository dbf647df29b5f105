package dev.sluice.route.dashboard;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The API's refusals (400, 404, 409) as the dashboard shows them: an HTML page with the same status and message. */
final class ErrorPages {
    private ErrorPages() {
    }

    static Response page(Response answer) {
        return Response.status(answer.getStatus()).type(MediaType.TEXT_HTML).entity(Pages.error(answer.getStatus(), error(answer)))
                .build();
    }

    /** The "error" of an API answer's JSON body. */
    static String error(Response answer) {
        if (answer.getEntity() instanceof Map<?, ?> body && body.get("error") != null) {
            return String.valueOf(body.get("error"));
        }
        return String.valueOf(answer.getEntity());
    }
}
