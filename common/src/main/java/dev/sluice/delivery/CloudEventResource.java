package dev.sluice.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The CloudEvents ingress of a function: {@code POST /} takes any type a handler in this process accepts;
 * {@code POST /fn/{function}} only the types of that function (the local broker delivers there, so one
 * process can host all four functions and still route as the Triggers say).
 */
@Path("/")
public class CloudEventResource {
    @Inject
    EventDispatcher dispatcher;

    @POST
    @Consumes("*/*")
    public Response receive(@Context HttpHeaders headers, byte[] body) {
        return dispatcher.dispatch(null, flatten(headers), body);
    }

    @POST
    @Path("fn/{function}")
    @Consumes("*/*")
    public Response receiveFor(@PathParam("function") String function, @Context HttpHeaders headers, byte[] body) {
        return dispatcher.dispatch(function, flatten(headers), body);
    }

    public static Map<String, String> flatten(HttpHeaders headers) {
        Map<String, String> flat = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> {
            if (!v.isEmpty()) {
                flat.put(k, v.get(0));
            }
        });
        return flat;
    }
}
