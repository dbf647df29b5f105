package dev.sluice.delivery;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An event a function has processed (consumer + source + id), with the reply it gave: the same reply is given again. */
@Entity
@Table(name = "inbox")
public class InboxEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false)
    public String consumer;
    @Column(name = "event_source", nullable = false)
    public String eventSource;
    @Column(name = "event_id", nullable = false)
    public String eventId;
    @Column(name = "event_type", nullable = false)
    public String eventType;
    /** The reply as a structured-mode CloudEvent, or null for "no reply" (204). */
    @Column(columnDefinition = "text")
    public String reply;
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /**
     * Serialises concurrent deliveries of one event until the caller's transaction ends, so that a redelivery finds
     * the first one's row instead of inserting its own and failing on inbox_once (and logging the violation).
     */
    public static void lock(String consumer, String source, String id) {
        getEntityManager().createNativeQuery("select 1 from pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, consumer + '\n' + source + '\n' + id).getSingleResult();
    }

    public static InboxEntry find(String consumer, String source, String id) {
        return find("consumer = ?1 and eventSource = ?2 and eventId = ?3", consumer, source, id).firstResult();
    }
}
