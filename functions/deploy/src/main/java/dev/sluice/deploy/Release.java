package dev.sluice.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.sluice.events.Payloads.Outcome;

/**
 * One entry of the release ledger (table {@code releases}, migrations V30/V31/V32 in common): what a run attempt
 * deployed (or, in plan mode, would deploy) to an environment of a project, or what a rollback restored. An
 * environment is a (project, name) pair: two projects' {@code production} never see each other's releases. Its id
 * is {@code <environment>-<number>}, numbered per environment name across projects, so ids stay unique.
 * {@code outcome} is null while a rollout is in progress.
 */
@Entity
@Table(name = "releases")
public class Release extends PanacheEntityBase {
    private static final int MAX_TEXT = 4000;

    public enum Kind {
        /** A run's release of a commit. */
        DEPLOY,
        /** A restore of an earlier release, asked for through {@code dev.sluice.environment.rollback}. */
        ROLLBACK
    }

    @Id
    public String id;
    /** The project the environment belongs to (dev.sluice.settings.Projects). */
    @Column(nullable = false)
    public String project;
    @Column(nullable = false)
    public String environment;
    @Column(nullable = false)
    public int number;
    @Column(nullable = false)
    public String namespace;
    /** Null for a rollback, which no run asked for. */
    @Column(name = "run_id")
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

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind = Kind.DEPLOY;
    /** For a rollback: the release it restored. */
    public String restores;
    @Column(name = "requested_by")
    public String requestedBy;
    /** The environment's last verified release when this one started: what a failure goes back to. */
    @Column(name = "previous_id")
    public String previousId;
    /** JSON of the {@link RolloutSettings}. */
    @Column(columnDefinition = "text")
    public String settings;
    public int step;
    @Column(name = "traffic_percent")
    public int trafficPercent;
    /** The latest health reading. */
    public String health;
    @Column(name = "last_step_at")
    public Instant lastStepAt;
    /** JSON array of {@link TrafficStep}. */
    @Column(columnDefinition = "text")
    public String steps;
    /** JSON array of {@link ServiceRevision}. */
    @Column(columnDefinition = "text")
    public String revisions;
    /**
     * JSON array of {@link Pruning.Pruned}: the objects deleted when this release was verified or restored, and those
     * the cluster would not delete, with its answer.
     */
    @Column(columnDefinition = "text")
    public String pruned;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "rolled_back_at")
    public Instant rolledBackAt;
    /** Whether the environment allowed its namespace to be shared with other projects when this release was made. */
    public boolean shared;
    /** JSON of the canary's metric analysis ({@link CanaryAnalysis.State}), null before its first step (V50). */
    @Column(columnDefinition = "text")
    public String analysis;
    /** JSON of {@link DriftCheck.Drifted}: how the live objects differ from this release, at the last check (V51). */
    @Column(columnDefinition = "text")
    public String drift;
    @Column(name = "drift_checked_at")
    public Instant driftCheckedAt;
    /** JSON of {@link DriftCheck.Heal}: each time drift was undone by applying the release again (selfHeal). */
    @Column(columnDefinition = "text")
    public String heals;

    /** A new entry numbered next in its environment; the caller holds the environment lock. */
    static Release begin(String project, String environment, String namespace, UUID runId, int attempt, String sha,
            String repositoryUrl, String strategy, DeployMode mode, Instant now) {
        Release r = new Release();
        r.project = project;
        r.environment = environment;
        r.number = nextNumber(environment);
        r.id = environment + "-" + r.number;
        r.namespace = namespace;
        r.runId = runId;
        r.attempt = attempt;
        r.sha = sha;
        r.repositoryUrl = repositoryUrl;
        r.strategy = strategy;
        r.mode = mode;
        r.createdAt = now;
        return r;
    }

    public boolean inProgress() {
        return outcome == null;
    }

    /**
     * A rollback began and has not finished (the previous release could not be re-applied yet): a release in
     * progress has a reason only then, set when its gate failed.
     */
    public boolean rollbackBegun() {
        return outcome == null && reason != null;
    }

    public RolloutSettings rolloutSettings() {
        return LedgerJson.read(settings, RolloutSettings.class);
    }

    public List<ServiceRevision> serviceRevisions() {
        return LedgerJson.list(revisions, new TypeReference<List<ServiceRevision>>() {
        });
    }

    public List<TrafficStep> trafficSteps() {
        return LedgerJson.list(steps, new TypeReference<List<TrafficStep>>() {
        });
    }

    public CanaryAnalysis.State analysisState() {
        return LedgerJson.read(analysis, CanaryAnalysis.State.class);
    }

    public List<DriftCheck.Drifted> driftList() {
        return LedgerJson.list(drift, DriftCheck.DRIFT);
    }

    public List<DriftCheck.Heal> healList() {
        return LedgerJson.list(heals, DriftCheck.HEALS);
    }

    public ReleasePlan releasePlan() {
        return LedgerJson.read(plan, ReleasePlan.class);
    }

    /** Appends a step to the history and makes it the current one. */
    void recordStep(int step, int percent, Instant at, String health) {
        List<TrafficStep> all = new ArrayList<>(trafficSteps());
        all.add(new TrafficStep(step, percent, at, clip(health)));
        this.steps = LedgerJson.write(all);
        this.step = step;
        this.trafficPercent = percent;
        this.lastStepAt = at;
        this.health = clip(health);
    }

    /** Ends the release with an outcome; a release ends once. */
    void finish(Outcome outcome, String reason, Instant at) {
        this.outcome = outcome;
        this.reason = clip(reason);
        this.finishedAt = at;
        if (outcome == Outcome.VERIFIED) {
            this.verifiedAt = at;
        } else if (outcome == Outcome.ROLLED_BACK) {
            this.rolledBackAt = at;
        }
    }

    static String clip(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }

    /** The environment's newest verified release: what a new release is compared with. */
    public static Optional<Release> lastVerified(String project, String environment) {
        return find("project = ?1 and environment = ?2 and outcome = ?3 order by number desc", project, environment,
                Outcome.VERIFIED).firstResultOptional();
    }

    /** The newest verified release that was applied in a mode: a cluster rollout only builds on cluster releases. */
    public static Optional<Release> lastVerified(String project, String environment, DeployMode mode) {
        return find("project = ?1 and environment = ?2 and outcome = ?3 and mode = ?4 order by number desc", project,
                environment, Outcome.VERIFIED, mode).firstResultOptional();
    }

    /** The release a run attempt already made, if any: a repeated request gets it again instead of a new one. */
    public static Optional<Release> of(UUID runId, int attempt) {
        return find("runId = ?1 and attempt = ?2", runId, attempt).firstResultOptional();
    }

    /**
     * The environment's newest release of a commit that settled, i.e. was verified or rolled back: whether the commit
     * was last judged good or bad. A failed release (refused, abandoned, not ready under direct) judges nothing, so a
     * later failure never lifts a rollback's block.
     */
    public static Optional<Release> lastSettledOfCommit(String project, String environment, String sha) {
        return find("project = ?1 and environment = ?2 and lower(sha) = lower(?3) and outcome in ?4 order by number desc",
                project, environment, sha, List.of(Outcome.VERIFIED, Outcome.ROLLED_BACK)).firstResultOptional();
    }

    /** The environment's releases still rolling out, locked: a check of one of them waits until this transaction ends. */
    public static List<Release> inProgressLocked(String project, String environment) {
        return find("project = ?1 and environment = ?2 and outcome is null order by number", project, environment)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public static Release locked(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Numbers run per environment name across projects, so that ids ({@code <environment>-<number>}) stay unique. */
    public static int nextNumber(String environment) {
        Integer max = getEntityManager()
                .createQuery("select max(r.number) from Release r where r.environment = ?1", Integer.class)
                .setParameter(1, environment)
                .getSingleResult();
        return max == null ? 1 : max + 1;
    }

    public static List<Release> ofEnvironment(String project, String environment) {
        return list("project = ?1 and environment = ?2 order by number", project, environment);
    }

    /** The projects that have releases in an environment of this name: what a rollback naming no project chooses from. */
    public static List<String> projectsOf(String environment) {
        return getEntityManager()
                .createQuery("select distinct r.project from Release r where r.environment = ?1 order by r.project", String.class)
                .setParameter(1, environment).getResultList();
    }

    /**
     * The newest release of each other project that claimed a namespace: one that was verified, rolled back or is rolling
     * out (a failed one was refused or applied nothing that stayed).
     */
    public static List<Release> claimsOnNamespace(String namespace, String exceptProject) {
        List<Release> newestFirst = list("namespace = ?1 and project <> ?2 and (outcome is null or outcome in ?3)"
                + " order by createdAt desc, number desc", namespace, exceptProject, List.of(Outcome.VERIFIED, Outcome.ROLLED_BACK));
        java.util.Map<String, Release> newest = new java.util.LinkedHashMap<>();
        newestFirst.forEach(r -> newest.putIfAbsent(r.project, r));
        return List.copyOf(newest.values());
    }

    /**
     * Serialises the releases of one environment name within a transaction (numbering is per name, across projects):
     * numbering, starting and rolling back.
     */
    static void lockEnvironment(String environment) {
        getEntityManager().createNativeQuery("select pg_advisory_xact_lock(hashtext(:key))")
                .setParameter("key", "sluice-deploy-environment:" + environment).getSingleResult();
    }

    /**
     * Each environment's current verified cluster release whose drift was last checked before {@code checkedBefore} (or
     * never), unless a rollout is in progress in the environment.
     */
    static List<Release> dueForDrift(Instant checkedBefore) {
        return list("from Release r where r.mode = ?1 and r.outcome = ?2 and (r.driftCheckedAt is null or r.driftCheckedAt < ?3)"
                + " and r.number = (select max(v.number) from Release v where v.project = r.project and v.environment = r.environment"
                + " and v.mode = ?1 and v.outcome = ?2)"
                + " and not exists (select 1 from Release p where p.project = r.project and p.environment = r.environment and p.outcome is null)"
                + " order by r.environment, r.project", DeployMode.CLUSTER, Outcome.VERIFIED, checkedBefore);
    }

    /** One drift pass at a time, across deploy's replicas: false when another holds it (until its transaction ends). */
    static boolean tryLockDrift() {
        return Boolean.TRUE.equals(getEntityManager().createNativeQuery("select pg_try_advisory_xact_lock(hashtext(:key))")
                .setParameter("key", "sluice-deploy-drift").getSingleResult());
    }

    /** Serialises the releases into one namespace, so two projects cannot both take a namespace at once. */
    static void lockNamespace(String namespace) {
        getEntityManager().createNativeQuery("select pg_advisory_xact_lock(hashtext(:key))")
                .setParameter("key", "sluice-deploy-namespace:" + namespace).getSingleResult();
    }
}
