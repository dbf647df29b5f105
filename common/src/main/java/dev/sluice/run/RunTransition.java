package dev.sluice.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One applied transition: the append-only audit trail of a run. Rows are never updated or deleted. */
@Entity
@Table(name = "run_transitions")
public class RunTransition extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id", nullable = false)
    public UUID runId;
    @Enumerated(EnumType.STRING)
    @Column(name = "from_state")
    public RunState fromState;
    @Enumerated(EnumType.STRING)
    @Column(name = "to_state", nullable = false)
    public RunState toState;
    @Column(length = 4000)
    public String reason;
    @Column(name = "cause_event_id")
    public String causeEventId;
    @Column(name = "cause_type")
    public String causeType;
    /** Who made it happen: an API principal, a stage's function, or "route" (V7__transition_actor.sql). */
    @Column(length = 500)
    public String actor;
    @Column(nullable = false)
    public Instant at;

    public static List<RunTransition> of(UUID runId) {
        return list("runId = ?1 order by id", runId);
    }
}
