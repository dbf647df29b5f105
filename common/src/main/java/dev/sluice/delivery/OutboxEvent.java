package dev.sluice.delivery;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.cloudevents.CloudEvent;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.sluice.events.EventCodec;

/** An event written in the same transaction as the state change that caused it; the relay posts it to the broker. */
@Entity
@Table(name = "outbox")
public class OutboxEvent extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_id", nullable = false)
    public String eventId;
    @Column(name = "event_type", nullable = false)
    public String eventType;
    @Column(columnDefinition = "text", nullable = false)
    public String event;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "sent_at")
    public Instant sentAt;
    public int attempts;
    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;
    @Column(name = "last_error", length = 2000)
    public String lastError;

    public static OutboxEvent add(CloudEvent e) {
        OutboxEvent o = new OutboxEvent();
        o.eventId = e.getId();
        o.eventType = e.getType();
        o.event = EventCodec.toStructuredString(e);
        o.createdAt = Instant.now();
        o.nextAttemptAt = o.createdAt;
        o.persist();
        return o;
    }
}
