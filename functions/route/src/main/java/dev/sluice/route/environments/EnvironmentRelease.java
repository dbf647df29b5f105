package dev.sluice.route.environments;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A row of deploy's release ledger ({@code releases}, migrations V30/V31 in common), read-only: route shows what
 * runs where and checks a rollback's target, but only deploy writes releases. route cannot depend on deploy, so
 * this maps the columns it shows (not the objects or the plan) under an entity name of its own.
 */
@Entity(name = "EnvironmentRelease")
@Table(name = "releases")
@Immutable
public class EnvironmentRelease extends PanacheEntityBase {
    @Id
    public String id;
    public String environment;
    public int number;
    public String namespace;
    @Column(name = "run_id")
    public UUID runId;
    public int attempt;
    public String sha;
    @Column(name = "repository_url")
    public String repositoryUrl;
    public String strategy;
    public String mode;
    /** VERIFIED, ROLLED_BACK or FAILED; null while the rollout is in progress. */
    public String outcome;
    public String reason;
    /** DEPLOY or ROLLBACK. */
    public String kind;
    public String restores;
    @Column(name = "requested_by")
    public String requestedBy;
    public int step;
    @Column(name = "traffic_percent")
    public int trafficPercent;
    public String health;
    /** deploy's JSON columns, as it wrote them: {@code [{namespace, service, revision, previous}]}, {@code [{step, percent, at, health}]}. */
    @Column(columnDefinition = "text")
    public String revisions;
    @Column(columnDefinition = "text")
    public String steps;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "rolled_back_at")
    public Instant rolledBackAt;

    public boolean inProgress() {
        return outcome == null;
    }

    static List<EnvironmentRelease> of(String environment, int limit) {
        return find("environment = ?1 order by number desc", environment).page(0, limit).list();
    }

    static Optional<EnvironmentRelease> lastVerified(String environment) {
        return find("environment = ?1 and outcome = 'VERIFIED' order by number desc", environment).firstResultOptional();
    }

    /** What the environment runs or is moving to: the newest release that is verified or still rolling out. */
    static Optional<EnvironmentRelease> current(String environment) {
        return find("environment = ?1 and (outcome is null or outcome = 'VERIFIED') order by number desc", environment)
                .firstResultOptional();
    }

    static boolean rolloutInProgress(String environment) {
        return count("environment = ?1 and outcome is null", environment) > 0;
    }

    /** The newest verified release before {@code current} with another commit: what a rollback restores by default. */
    static Optional<EnvironmentRelease> verifiedBefore(EnvironmentRelease current) {
        return find("environment = ?1 and outcome = 'VERIFIED' and number < ?2 and sha <> ?3 order by number desc",
                current.environment, current.number, current.sha).firstResultOptional();
    }

    static List<String> environments() {
        return getEntityManager().createQuery("select distinct r.environment from EnvironmentRelease r", String.class).getResultList();
    }
}
