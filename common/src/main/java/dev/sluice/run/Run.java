package dev.sluice.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One push on its way to a release. Only route writes it; its state changes only through {@link RunTransitions}. */
@Entity
@Table(name = "runs")
public class Run extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "repository_url", nullable = false)
    public String repositoryUrl;
    @Column(name = "repository_name")
    public String repositoryName;
    @Column(nullable = false)
    public String ref;
    public String branch;
    public String tag;
    @Column(name = "before_sha")
    public String beforeSha;
    @Column(name = "after_sha", nullable = false)
    public String afterSha;
    public String pusher;
    public boolean forced;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunState state;
    @Column(name = "state_reason", length = 4000)
    public String stateReason;

    /** Which request of the current stage is outstanding: results naming another attempt are stale. */
    public int attempt;
    @Column(name = "stage_started_at")
    public Instant stageStartedAt;
    /** When set, the current stage failed retryably and is re-requested on the first tick after this time. */
    @Column(name = "retry_at")
    public Instant retryAt;

    /** The project the run deploys for (dev.sluice.settings.Projects): environments are per project. */
    public String project;
    public String environment;
    public String namespace;
    public String strategy;
    public String approval;
    public String decision;
    @Column(name = "risk_score")
    public Integer riskScore;
    @Column(name = "release_id")
    public String releaseId;

    @Column(name = "settings_json", columnDefinition = "text")
    public String settingsJson;
    @Column(name = "analysis_summary", columnDefinition = "text")
    public String analysisSummary;
    @Column(name = "validation_summary", columnDefinition = "text")
    public String validationSummary;
    @Column(name = "deployment_summary", columnDefinition = "text")
    public String deploymentSummary;
    /** The test gate's latest word (tests.progressed, then tests.completed), JSON; null: no tests ran. */
    @Column(name = "tests_summary", columnDefinition = "text")
    public String testsSummary;

    /** The finished run this one retries (same push, started again by a person), or null. */
    @Column(name = "retry_of")
    public UUID retryOf;

    /** The forge that sent the push (github, gitlab, gitea, bitbucket), told how the run goes; null: none (curl). */
    public String forge;

    @Column(name = "cause_event_id")
    public String causeEventId;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    public String shortSha() {
        return afterSha == null ? "" : afterSha.substring(0, Math.min(7, afterSha.length()));
    }
}
