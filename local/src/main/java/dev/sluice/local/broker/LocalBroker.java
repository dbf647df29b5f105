package dev.sluice.local.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import dev.sluice.local.knative.BrokerTopology;
import dev.sluice.local.knative.KnativeFiles;

/**
 * The broker of the local pipeline: stores each event it accepts with one delivery per matching Trigger,
 * in one transaction, and leaves the deliveries to {@link DeliveryWorkers}. It routes by the Broker and
 * Trigger objects of the knative/ files, as a cluster's broker would.
 */
@ApplicationScoped
public class LocalBroker {
    private static final Logger LOG = Logger.getLogger(LocalBroker.class);
    /** Extensions a Knative broker adds: when the event arrived, and how many more hops a reply chain may take. */
    public static final String ARRIVAL = "knativearrivaltime";
    public static final String TTL = "knativebrokerttl";
    static final int DEFAULT_TTL = 255;

    @ConfigProperty(name = "sluice.local.knative-dir")
    Optional<String> knativeDir;

    @ConfigProperty(name = "sluice.local.broker", defaultValue = "sluice")
    String brokerName;

    @ConfigProperty(name = "sluice.local.delivery-timeout", defaultValue = "30s")
    Duration defaultTimeout;

    @Inject
    DeliveryStore store;

    @Inject
    DeliveryWorkers workers;

    @Inject
    Activator activator;

    private volatile BrokerTopology topology;

    /** What the ingress answers: the event's id and how many deliveries it made. */
    public record Accepted(String id, int deliveries) {
    }

    void load(@Observes StartupEvent started) {
        topology();
    }

    public BrokerTopology topology() {
        BrokerTopology t = topology;
        if (t == null) {
            synchronized (this) {
                if (topology == null) {
                    String from = knativeDir.map(d -> Path.of(d).toAbsolutePath().toString()).orElse("the packed knative/ folder");
                    List<KnativeFiles.KnativeObject> objects = knativeDir.map(d -> KnativeFiles.readFolder(Path.of(d)))
                            .orElseGet(KnativeFiles::readPacked);
                    topology = BrokerTopology.of(objects, brokerName, defaultTimeout, activator.functionUrls());
                    LOG.infof("local broker %s: %d triggers, read from %d files of %s%s", brokerName, topology.triggers().size(),
                            objects.stream().map(KnativeFiles.KnativeObject::file).distinct().count(), from,
                            activator.functionUrls().isEmpty() ? "" : "; functions at " + activator.functionUrls());
                }
                t = topology;
            }
        }
        return t;
    }

    /** Accepts an event from outside (the ingress, the tick) in its own transaction, then wakes the workers. */
    public Accepted accept(CloudEvent event) {
        Accepted accepted = QuarkusTransaction.requiringNew().call(() -> ingest(arrived(event)));
        workers.wake();
        return accepted;
    }

    /** Stores the event and its deliveries in the caller's transaction. */
    public Accepted ingest(CloudEvent event) {
        long row = store.insertEvent(event);
        List<BrokerTopology.Route> routes = topology().routes(event);
        for (BrokerTopology.Route route : routes) {
            store.insertDelivery(row, route);
        }
        if (routes.isEmpty()) {
            LOG.debugf("no trigger matches %s %s from %s", event.getType(), event.getId(), event.getSource());
        }
        return new Accepted(event.getId(), routes.size());
    }

    /** A subscriber's reply goes back into the broker one hop closer to its TTL; at zero it is dropped, as Knative does. */
    public Optional<CloudEvent> reply(CloudEvent reply, CloudEvent cause) {
        int ttl = ttl(cause) - 1;
        if (ttl <= 0) {
            LOG.warnf("reply %s %s to %s not routed: %s exhausted (a reply loop, or a low TTL its sender set)", reply.getType(),
                    reply.getId(), cause.getId(), TTL);
            return Optional.empty();
        }
        return Optional.of(stamped(reply, ttl));
    }

    /** An event from outside keeps the TTL it carries, or starts with Knative's default. */
    private static CloudEvent arrived(CloudEvent event) {
        return stamped(event, event.getExtension(TTL) == null ? DEFAULT_TTL : ttl(event));
    }

    private static CloudEvent stamped(CloudEvent event, int ttl) {
        return CloudEventBuilder.from(event)
                .withExtension(ARRIVAL, OffsetDateTime.now(ZoneOffset.UTC))
                .withExtension(TTL, ttl)
                .build();
    }

    static int ttl(CloudEvent event) {
        Object value = event.getExtension(TTL);
        if (value == null) {
            return DEFAULT_TTL;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return DEFAULT_TTL;
        }
    }
}
