package dev.sluice.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.configuration.DurationConverter;
import dev.sluice.git.GitRepositories.GitAccessException;

/**
 * Drift: on a tick, at most every {@code sluice.deploy.drift.interval}, the live objects of each environment's current
 * verified cluster release (none while a rollout is in progress there) are compared with what the release applied, in
 * the fields Sluice manages ({@link ObjectDrift}). What differs is recorded on the release (column {@code drift}: the
 * object, its field paths, when first seen; an object that no longer drifts leaves the list). With
 * {@code selfHeal: true} in the environment the drifted objects are applied again, rendered afresh from the release's
 * commit, and the heal is recorded (column {@code heals}) with its reason. One pass at a time across replicas.
 */
@ApplicationScoped
public class DriftCheck {
    private static final Logger LOG = Logger.getLogger(DriftCheck.class);
    static final int MAX_HEALS = 50;

    @ConfigProperty(name = "sluice.deploy.mode", defaultValue = "plan")
    DeployMode mode;

    /** How often an environment is compared with its release; "off" never. */
    @ConfigProperty(name = "sluice.deploy.drift.interval", defaultValue = "5m")
    String interval;

    @Inject
    ClusterObjects cluster;
    @Inject
    ReleaseSource source;

    /** An object of the release that differs from it live: field paths, or {@code missing}, or why it could not be read. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Drifted(String apiVersion, String kind, String namespace, String name, List<String> paths, Boolean missing,
            String error, Instant firstSeen, Instant lastSeen) {
        String key() {
            return RenderedObject.groupOf(apiVersion) + "/" + kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
        }

        String describe() {
            String what = kind + " " + (namespace == null ? name : namespace + "/" + name);
            if (Boolean.TRUE.equals(missing)) {
                return what + " is missing";
            }
            return error != null ? what + " cannot be read: " + error : what + " " + String.join(", ", paths);
        }
    }

    /** A self-heal: when, why, and what was applied again (or why it could not be). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Heal(Instant at, String reason, List<String> objects, String error) {
    }

    /** Compares every due environment; a cluster that cannot be reached ends the pass (the next tick tries again). */
    void onTick(Instant now) {
        if (mode != DeployMode.CLUSTER || "off".equalsIgnoreCase(interval.trim())) {
            return;
        }
        if (!Release.tryLockDrift()) {
            return;
        }
        Duration every = DurationConverter.parseDuration(interval.trim());
        for (Release release : Release.dueForDrift(now.minus(every))) {
            try {
                // Re-read under a row lock: a rollback on request may have ended the release since the list was read.
                Release.getEntityManager().refresh(release, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
                if (release.outcome != dev.sluice.events.Payloads.Outcome.VERIFIED) {
                    continue;
                }
                check(release, now);
            } catch (KubernetesClientException e) {
                if (!ClusterObjects.isTransient(e)) {
                    throw e;
                }
                LOG.warnf("drift: the cluster is not reachable, checking again next tick: %s", ClusterObjects.message(e));
                return;
            }
        }
    }

    void check(Release release, Instant now) {
        List<Drifted> drift = compare(release, PlanDeployment.objectsOf(release), release.driftList(), now);
        release.driftCheckedAt = now;
        release.drift = LedgerJson.write(drift);
        if (!drift.isEmpty()) {
            LOG.infof("drift: release %s of %s: %s", release.id, release.environment,
                    String.join("; ", drift.stream().map(Drifted::describe).toList()));
            if (release.rolloutSettings().heals()) {
                heal(release, drift, now);
            }
        }
    }

    private List<Drifted> compare(Release release, List<RenderedObject> objects, List<Drifted> before, Instant now) {
        Map<String, Drifted> seen = new HashMap<>();
        before.forEach(d -> seen.put(d.key(), d));
        ClusterScope scope = ClusterScope.of(List.of());
        List<Drifted> out = new ArrayList<>();
        for (RenderedObject o : objects) {
            Instant first = seen.containsKey(o.key()) ? seen.get(o.key()).firstSeen() : now;
            ObjectNode live;
            try {
                live = cluster.getJson(o.apiVersion(), o.kind(), o.namespace(), o.name(), scope);
            } catch (KubernetesClientException e) {
                if (ClusterObjects.isTransient(e)) {
                    throw e;
                }
                out.add(new Drifted(o.apiVersion(), o.kind(), o.namespace(), o.name(), List.of(), null, ClusterObjects.message(e), first, now));
                continue;
            } catch (ClusterObjects.UnknownKind e) {
                out.add(new Drifted(o.apiVersion(), o.kind(), o.namespace(), o.name(), List.of(), null, e.getMessage(), first, now));
                continue;
            }
            if (live == null) {
                out.add(new Drifted(o.apiVersion(), o.kind(), o.namespace(), o.name(), List.of(), true, null, first, now));
                continue;
            }
            JsonNode managed = ObjectDrift.managedBySluice(live);
            ObjectNode digested = SecretValues.digested(RenderedObject.stored(live)).object();
            List<String> paths = ObjectDrift.paths(o.object(), digested, managed);
            if (!paths.isEmpty()) {
                out.add(new Drifted(o.apiVersion(), o.kind(), o.namespace(), o.name(), paths, null, null, first, now));
            }
        }
        return out;
    }

    /** Applies the drifted objects again, rendered from the release's commit, then compares them once more. */
    private void heal(Release release, List<Drifted> drift, Instant now) {
        String reason = "selfHeal: drift from release " + release.id + ": " + String.join("; ", drift.stream().map(Drifted::describe).toList());
        List<Heal> heals = new ArrayList<>(release.healList());
        Map<String, Drifted> drifted = new LinkedHashMap<>();
        drift.stream().filter(d -> d.error() == null).forEach(d -> drifted.put(d.key(), d));
        List<String> applied = new ArrayList<>();
        String error = null;
        try {
            ReleaseSource.Commit commit = source.read(release.repositoryUrl, release.sha);
            EnvironmentRendering.Rendered rendered = EnvironmentRendering.render(commit.documents(), release.project, release.namespace,
                    release.id, release.runId);
            for (RenderedObject o : rendered.objects()) {
                if (!drifted.containsKey(o.key())) {
                    continue;
                }
                ObjectNode body = o.object();
                if (KnativeRevisions.isKnativeService(o)) {
                    pinRevision(release, o, body);
                }
                cluster.apply(body, rendered.scope());
                applied.add(o.describe());
            }
        } catch (GitAccessException e) {
            error = "cannot read commit " + release.sha + ": " + e.getMessage();
        } catch (KubernetesClientException e) {
            if (ClusterObjects.isTransient(e)) {
                throw e;
            }
            error = "the cluster refused: " + ClusterObjects.message(e);
        } catch (ClusterObjects.UnknownKind e) {
            error = e.getMessage();
        }
        heals.add(new Heal(now, Release.clip(reason + (applied.isEmpty() ? "" : "; applied again: " + String.join(", ", applied))),
                List.copyOf(applied), error));
        release.heals = LedgerJson.write(heals.size() > MAX_HEALS ? heals.subList(heals.size() - MAX_HEALS, heals.size()) : heals);
        if (!applied.isEmpty()) {
            List<Drifted> after = compare(release, PlanDeployment.objectsOf(release), drift, now);
            release.drift = LedgerJson.write(after);
        }
    }

    /** A Knative Service keeps the revision the release runs (and, under canary, all traffic on it, as verified). */
    private static void pinRevision(Release release, RenderedObject o, ObjectNode body) {
        for (ServiceRevision r : release.serviceRevisions()) {
            if (r.service().equals(o.name()) && r.namespace().equals(o.namespace())) {
                body.withObjectProperty("spec").withObjectProperty("template").withObjectProperty("metadata").put("name", r.revision());
                if (RolloutSettings.CANARY.equals(release.strategy)) {
                    body.withObjectProperty("spec").set("traffic", CanaryTraffic.all(r.revision()));
                }
            }
        }
    }

    static final TypeReference<List<Drifted>> DRIFT = new TypeReference<>() {
    };
    static final TypeReference<List<Heal>> HEALS = new TypeReference<>() {
    };
}
