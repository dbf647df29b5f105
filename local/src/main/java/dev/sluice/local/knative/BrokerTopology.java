package dev.sluice.local.knative;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cloudevents.CloudEvent;

/**
 * One Broker and the Triggers bound to it, read from Knative objects: who gets an event, and how its
 * delivery is retried and dead-lettered. Every subscriber is resolved when the topology is built, so a
 * Trigger the local broker cannot address fails the start, not the first event.
 */
public record BrokerTopology(String broker, DeliverySpec delivery, List<Trigger> triggers, Map<String, String> functionUrls) {

    /** A Trigger that matched an event, with where to post it and the delivery spec that applies. */
    public record Route(Trigger trigger, String target, DeliverySpec delivery, String deadLetterTarget) {
    }

    public static BrokerTopology of(List<KnativeFiles.KnativeObject> objects, String brokerName, Duration defaultTimeout) {
        return of(objects, brokerName, defaultTimeout, Map.of());
    }

    /**
     * @param functionUrls where each function listens when it runs apart (the broker-only mode: function name to base
     *     URL); a function not named here is a path on this process ({@code /fn/<function>})
     */
    public static BrokerTopology of(List<KnativeFiles.KnativeObject> objects, String brokerName, Duration defaultTimeout,
            Map<String, String> functionUrls) {
        KnativeFiles.KnativeObject broker = null;
        List<Trigger> triggers = new ArrayList<>();
        for (KnativeFiles.KnativeObject o : objects) {
            if ("Broker".equals(o.kind()) && brokerName.equals(o.name())) {
                broker = o;
            } else if ("Trigger".equals(o.kind())) {
                Trigger t = Trigger.from(o, defaultTimeout);
                if (brokerName.equals(t.broker())) {
                    triggers.add(t);
                }
            }
        }
        if (broker == null) {
            throw new IllegalStateException("no Broker named " + brokerName + " in the knative files");
        }
        String where = broker.file() + ": Broker " + brokerName;
        DeliverySpec delivery = DeliverySpec.from(broker.content().path("spec").path("delivery"), defaultTimeout, where);
        BrokerTopology topology = new BrokerTopology(brokerName, delivery, List.copyOf(triggers), Map.copyOf(functionUrls));
        for (Trigger t : triggers) {
            topology.route(t); // resolves the subscriber and dead-letter sink now
        }
        return topology;
    }

    public List<Route> routes(CloudEvent event) {
        List<Route> routes = new ArrayList<>();
        for (Trigger t : triggers) {
            if (t.matches(event)) {
                routes.add(route(t));
            }
        }
        return routes;
    }

    public Route route(Trigger t) {
        DeliverySpec spec = t.delivery() != null ? t.delivery() : delivery;
        String where = "Trigger " + t.name();
        String dls = spec.deadLetterSink() == null ? null : spec.deadLetterSink().target(broker, functionUrls, where + ": deadLetterSink");
        return new Route(t, t.subscriber().target(broker, functionUrls, where + ": subscriber"), spec, dls);
    }

    public Trigger trigger(String name) {
        return triggers.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
