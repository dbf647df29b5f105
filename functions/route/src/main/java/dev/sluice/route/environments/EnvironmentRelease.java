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
 * A row of deploy's release ledger ({@code releases}, migrations V30/V31/V32 in common), read-only: route shows what
 * runs where and checks a rollback's target, but only deploy writes releases. route cannot depend on deploy, so
 * this maps the columns it shows (not the objects or the plan) under an entity name of its own. An environment is
 * a (project, name) pair.
 */
@Entity(name = "EnvironmentRelease")
@Table(name = "releases")
@Immutable
public class EnvironmentRelease extends PanacheEntityBase {
    @Id
    public String id;
    public String project;
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
    /** deploy's drift columns: {@code [{apiVersion, kind, namespace, name, paths, missing, error, firstSeen, lastSeen}]}, {@code [{at, reason, objects, error}]}. */
    @Column(columnDefinition = "text")
    public String drift;
    @Column(name = "drift_checked_at")
    public Instant driftCheckedAt;
    @Column(columnDefinition = "text")
    public String heals;
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

    static List<EnvironmentRelease> of(String project, String environment, int limit) {
        return find("project = ?1 and environment = ?2 order by number desc", project, environment).page(0, limit).list();
    }

    static Optional<EnvironmentRelease> lastVerified(String project, String environment) {
        return find("project = ?1 and environment = ?2 and outcome = 'VERIFIED' order by number desc", project, environment)
                .firstResultOptional();
    }

    /** What the environment runs or is moving to: the newest release that is verified or still rolling out. */
    static Optional<EnvironmentRelease> current(String project, String environment) {
        return find("project = ?1 and environment = ?2 and (outcome is null or outcome = 'VERIFIED') order by number desc",
                project, environment).firstResultOptional();
    }

    static boolean rolloutInProgress(String project, String environment) {
        return count("project = ?1 and environment = ?2 and outcome is null", project, environment) > 0;
    }

    /** The newest verified release before {@code current} with another commit: what a rollback restores by default. */
    static Optional<EnvironmentRelease> verifiedBefore(EnvironmentRelease current) {
        return find("project = ?1 and environment = ?2 and outcome = 'VERIFIED' and number < ?3 and sha <> ?4 order by number desc",
                current.project, current.environment, current.number, current.sha).firstResultOptional();
    }

    /** Every (project, environment) pair with a release, as two-element arrays. */
    static List<Object[]> environments() {
        return getEntityManager().createQuery("select distinct r.project, r.environment from EnvironmentRelease r", Object[].class)
                .getResultList();
    }

    /** The projects with a release in an environment of this name, and those whose releases came from a repository. */
    static List<String> projectsOf(String environment) {
        return getEntityManager().createQuery("select distinct r.project from EnvironmentRelease r where r.environment = ?1",
                String.class).setParameter(1, environment).getResultList();
    }

    static List<String> projectsOfRepository(String environment, String repositoryUrl) {
        return getEntityManager().createQuery("select distinct r.project from EnvironmentRelease r where r.environment = ?1"
                + " and r.repositoryUrl = ?2", String.class).setParameter(1, environment).setParameter(2, repositoryUrl)
                .getResultList();
    }
}
