package dev.sluice.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * Every event route received about a run and what became of it: applied, ignored (stale, the run moved on)
 * or refused (the transition table forbids it). Append-only.
 */
@Entity
@Table(name = "run_events")
public class RunEvent extends PanacheEntityBase {
    public enum Outcome {
        APPLIED, IGNORED, REFUSED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id", nullable = false)
    public UUID runId;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "event_type")
    public String eventType;
    @Column(nullable = false)
    public String outcome;
    @Column(length = 4000)
    public String detail;
    @Column(nullable = false)
    public Instant at;

    public static RunEvent record(UUID runId, String eventId, String eventType, Outcome outcome, String detail) {
        RunEvent e = new RunEvent();
        e.runId = runId;
        e.eventId = eventId;
        e.eventType = eventType;
        e.outcome = outcome.name();
        e.detail = RunTransitions.fit(detail);
        e.at = Instant.now();
        e.persist();
        return e;
    }

    public static List<RunEvent> of(UUID runId) {
        return list("runId = ?1 order by id", runId);
    }
}
