package dev.sluice.report;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.sluice.events.EventCodec;

/** A stage's full report for a run (analysis, validation, deployment), as JSON. Written by the stage's function. */
@Entity
@Table(name = "stage_reports")
public class StageReport extends PanacheEntityBase {
    public static final String ANALYSIS = "analysis";
    public static final String VALIDATION = "validation";
    public static final String DEPLOYMENT = "deployment";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id", nullable = false)
    public UUID runId;
    @Column(nullable = false)
    public String stage;
    public int attempt;
    @Column(columnDefinition = "text", nullable = false)
    public String report;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static StageReport save(UUID runId, String stage, int attempt, Object report) {
        StageReport r = new StageReport();
        r.runId = runId;
        r.stage = stage;
        r.attempt = attempt;
        try {
            r.report = EventCodec.json().writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("report does not serialise", e);
        }
        r.createdAt = Instant.now();
        r.persist();
        return r;
    }

    /** The newest report of a stage for a run, or null. */
    public static StageReport latest(UUID runId, String stage) {
        return find("runId = ?1 and stage = ?2 order by id desc", runId, stage).firstResult();
    }
}
