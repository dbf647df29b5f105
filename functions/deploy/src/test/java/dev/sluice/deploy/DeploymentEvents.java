package dev.sluice.deploy;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.report.StageReport;
import dev.sluice.testing.Events;

/** The events route sends deploy, posted as real binary-mode CloudEvents to "/", and reads of what deploy stored. */
final class DeploymentEvents {
    private DeploymentEvents() {
    }

    static String requested(UUID runId, int attempt, String repositoryUrl, String environment, String namespace, String sha) {
        return json(Events.map("runId", runId.toString(), "attempt", attempt, "repositoryUrl", repositoryUrl,
                "environment", environment, "namespace", namespace, "sha", sha, "strategy", "canary"));
    }

    static Response postRequested(UUID runId, String repositoryUrl, String environment, String namespace, String sha) {
        return post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), runId,
                requested(runId, 1, repositoryUrl, environment, namespace, sha));
    }

    /** A request as route sends it, with the strategy the run resolved and, for an explicit retry, retry: true. */
    static Response postRequested(UUID runId, String repositoryUrl, String environment, String namespace, String sha,
            String strategy, boolean retry) {
        var data = Events.map("runId", runId.toString(), "attempt", 1, "repositoryUrl", repositoryUrl,
                "environment", environment, "namespace", namespace, "sha", sha, "strategy", strategy);
        if (retry) {
            data.put("retry", true);
        }
        return post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), runId, json(data));
    }

    /** dev.sluice.environment.rollback as route's API writes it (no run: no subject). */
    static Response postRollback(String environment, String releaseId, String by, String reason) {
        var data = Events.map("environment", environment);
        if (releaseId != null) {
            data.put("releaseId", releaseId);
        }
        data.put("by", by);
        data.put("reason", reason);
        return post(EventTypes.ENVIRONMENT_ROLLBACK, UUID.randomUUID().toString(), null, json(data));
    }

    static Response postCheck(UUID runId, int attempt, String releaseId) {
        return post(EventTypes.DEPLOYMENT_CHECK, UUID.randomUUID().toString(), runId,
                json(Events.map("runId", runId.toString(), "attempt", attempt, "releaseId", releaseId)));
    }

    static Response post(String type, String id, UUID runId, String data) {
        return Events.postSigned("/", type, id, "/sluice/route", runId == null ? null : runId.toString(), data);
    }

    static String json(Object value) {
        try {
            return EventCodec.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return EventCodec.json().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest "deployment" stage report deploy stored for a run. */
    static JsonNode report(UUID runId) {
        return tree(QuarkusTransaction.requiringNew().call(() -> StageReport.latest(runId, StageReport.DEPLOYMENT).report));
    }

    static Release release(String id) {
        return QuarkusTransaction.requiringNew().call(() -> Release.<Release>findById(id));
    }

    /** Every release of environments of this name, whichever project (the tests' names are unique). */
    static List<Release> ledger(String environment) {
        return QuarkusTransaction.requiringNew().call(() -> Release.<Release>list("environment = ?1 order by number", environment));
    }

    /** A fresh environment name per test: tests share one database. */
    static String environment(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
