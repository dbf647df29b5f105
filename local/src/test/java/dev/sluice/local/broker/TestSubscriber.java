package dev.sluice.local.broker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The subscribers of the test Triggers (src/test/resources/knative-test): each endpoint records what the
 * broker sent it, then answers as its name says.
 */
@Path("/test-subscriber")
public class TestSubscriber {
    /** One request the broker made: endpoint, headers (lower-case names), body, and when it arrived. */
    public record Received(String endpoint, Map<String, String> headers, String body, Instant at) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String id() {
            return header("ce-id");
        }
    }

    static final ConcurrentLinkedQueue<Received> RECEIVED = new ConcurrentLinkedQueue<>();

    /** What an endpoint got for one event id, in arrival order. */
    public static List<Received> received(String endpoint, String ceId) {
        return RECEIVED.stream().filter(r -> r.endpoint().equals(endpoint) && ceId.equals(r.id())).toList();
    }

    @POST
    @Path("{endpoint}")
    @Consumes(MediaType.WILDCARD)
    public Response receive(@PathParam("endpoint") String endpoint, @Context HttpHeaders headers, byte[] body)
            throws InterruptedException {
        Map<String, String> flat = new TreeMap<>();
        headers.getRequestHeaders().forEach((k, v) -> flat.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        RECEIVED.add(new Received(endpoint, flat, new String(body, StandardCharsets.UTF_8), Instant.now()));
        return switch (endpoint) {
            // a reply in binary mode, as a function answers
            case "echo" -> Response.ok("{\"echo\":\"" + flat.get("ce-id") + "\"}", MediaType.APPLICATION_JSON)
                    .header("ce-specversion", "1.0")
                    .header("ce-id", "reply-of-" + flat.get("ce-id"))
                    .header("ce-type", "test.echo.reply")
                    .header("ce-source", "/test-subscriber")
                    .build();
            case "fail500" -> Response.serverError().entity("{\"error\":\"subscriber broke\"}").type(MediaType.APPLICATION_JSON).build();
            case "fail400" -> Response.status(400).entity("{\"error\":\"not for me\"}").type(MediaType.APPLICATION_JSON).build();
            case "slow" -> {
                Thread.sleep(2_000);
                yield Response.noContent().build();
            }
            case "slower" -> {
                Thread.sleep(4_500);
                yield Response.noContent().build();
            }
            default -> Response.accepted().build();
        };
    }
}
