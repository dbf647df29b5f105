package dev.sluice.route.intake;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An event the broker gave up delivering, kept whole with the error the broker saw. */
@Entity
@Table(name = "dead_letters")
public class DeadLetter extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_id", nullable = false)
    public String eventId;
    @Column(name = "event_source", nullable = false)
    public String eventSource;
    @Column(name = "event_type", nullable = false)
    public String eventType;
    @Column(name = "run_id")
    public UUID runId;
    public String destination;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_data", columnDefinition = "text")
    public String errorData;
    @Column(columnDefinition = "text", nullable = false)
    public String event;
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
}
