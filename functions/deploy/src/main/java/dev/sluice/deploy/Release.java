package dev.sluice.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.sluice.events.Payloads.Outcome;

/**
 * One entry of the release ledger: what a run attempt deployed (or, in plan mode, would deploy) to an
 * environment. Its id is {@code <environment>-<number>}, numbered per environment.
 */
@Entity
@Table(name = "releases")
public class Release extends PanacheEntityBase {
    @Id
    public String id;
    @Column(nullable = false)
    public String environment;
    @Column(nullable = false)
    public int number;
    @Column(nullable = false)
    public String namespace;
    @Column(name = "run_id", nullable = false)
    public UUID runId;
    public int attempt;
    @Column(nullable = false)
    public String sha;
    @Column(name = "repository_url", nullable = false)
    public String repositoryUrl;
    public String strategy;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeployMode mode;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Outcome outcome;
    public String reason;
    /** JSON array of the rendered objects, in apply order (Secret values as digests). */
    @Column(columnDefinition = "text", nullable = false)
    public String objects;
    /** JSON of the {@link ReleasePlan}. */
    @Column(columnDefinition = "text", nullable = false)
    public String plan;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    /** The environment's newest verified release: what a new release is compared with. */
    public static Optional<Release> lastVerified(String environment) {
        return find("environment = ?1 and outcome = ?2 order by number desc", environment, Outcome.VERIFIED)
                .firstResultOptional();
    }

    /** The release a run attempt already made, if any: a repeated request gets it again instead of a new one. */
    public static Optional<Release> of(UUID runId, int attempt) {
        return find("runId = ?1 and attempt = ?2", runId, attempt).firstResultOptional();
    }

    public static int nextNumber(String environment) {
        Integer max = getEntityManager()
                .createQuery("select max(r.number) from Release r where r.environment = ?1", Integer.class)
                .setParameter(1, environment)
                .getSingleResult();
        return max == null ? 1 : max + 1;
    }

    public static List<Release> ofEnvironment(String environment) {
        return list("environment = ?1 order by number", environment);
    }
}
