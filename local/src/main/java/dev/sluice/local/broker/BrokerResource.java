package dev.sluice.local.broker;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.delivery.EventGate;
import dev.sluice.delivery.DatabaseUnavailable;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;

/**
 * The broker's HTTP face: {@code POST /broker} is the ingress (a CloudEvent in binary or structured mode,
 * 202 once stored with its deliveries), {@code GET /broker/deliveries} lists deliveries for inspection.
 */
@Path("/broker")
public class BrokerResource {
    private static final Logger LOG = Logger.getLogger(BrokerResource.class);
    private static final Set<String> STATES = Set.of("pending", "delivered", "dead");
    private static final int LIST_LIMIT = 100;

    @Inject
    LocalBroker broker;

    @Inject
    DeliveryStore store;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingress(@Context HttpHeaders headers, byte[] body) {
        CloudEvent event;
        try {
            event = EventCodec.read(EventGate.flatten(headers), body);
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        LocalBroker.Accepted accepted;
        try {
            accepted = broker.accept(event);
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.isCause(e)) {
                // the sender keeps the event and retries after Retry-After: nothing accepted is lost
                LOG.warnf("broker cannot store %s %s now: %s", event.getType(), event.getId(), EventCodec.rootMessage(e));
                return DatabaseUnavailable.response(e);
            }
            LOG.errorf(e, "broker could not store %s %s", event.getType(), event.getId());
            return ErrorBody.response(500, "the broker could not store the event: " + EventCodec.rootMessage(e));
        }
        return Response.accepted(Map.of("id", accepted.id(), "deliveries", accepted.deliveries()))
                .type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("deliveries")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deliveries(@QueryParam("state") String state) {
        if (state != null && !STATES.contains(state)) {
            return ErrorBody.response(400, "state must be one of pending, delivered, dead; got '" + state + "'");
        }
        return Response.ok(QuarkusTransaction.requiringNew().call(() -> store.list(state, LIST_LIMIT))).build();
    }
}
