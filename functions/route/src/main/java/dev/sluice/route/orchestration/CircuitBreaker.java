package dev.sluice.route.orchestration;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.orm.panache.Panache;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransition;

/**
 * An environment's circuit breaker: open when its last {@code sluice.route.circuit-breaker.failures} deployments
 * all ended FAILED or ROLLED_BACK. While it is open, a run bound for the environment waits in AWAITING_APPROVAL
 * instead of deploying; a person's approval lets that one run through, and a deployment that succeeds closes it.
 * Nothing is stored: the state is read from the audit trail (runs that left DEPLOYING, newest first).
 */
@ApplicationScoped
public class CircuitBreaker {
    /** The reason a held run waits with; {@link #approvedPast} recognises it in the audit trail. */
    static final String HELD = "circuit breaker of environment ";

    @Inject
    RouteConfig config;

    /** A deployment that ended: the run, how, why, when. */
    public record Ending(UUID runId, String sha, RunState state, String reason, Instant at) {
    }

    /** Open or closed, with the endings that decided it (newest first, at most the threshold). */
    public record Status(boolean open, int threshold, List<Ending> recent) {
        String reason(String environment) {
            return HELD + environment + " is open: the last " + threshold + " deployments failed ("
                    + recent.stream().map(e -> e.state() + " " + e.sha().substring(0, Math.min(7, e.sha().length())))
                            .collect(Collectors.joining(", "))
                    + "); approve to deploy this run anyway";
        }
    }

    public Status status(String environment) {
        return status(null, environment);
    }

    /** The breaker of one repository's environment ({@code owner} null: every repository's environment of that name). */
    public Status status(String owner, String environment) {
        int threshold = config.circuitBreaker().failures();
        if (environment == null || threshold <= 0) {
            return new Status(false, threshold, List.of());
        }
        var query = Panache.getEntityManager().createQuery(
                "select r.id, r.afterSha, t.toState, t.reason, t.at from RunTransition t, Run r where r.id = t.runId"
                        + " and r.environment = :env" + (owner == null ? "" : " and r." + RunOrchestrator.OWNER + " = :owner")
                        + " and t.fromState = :deploying and t.toState in :ends order by t.at desc, t.id desc", Object[].class)
                .setParameter("env", environment).setParameter("deploying", RunState.DEPLOYING)
                .setParameter("ends", List.of(RunState.SUCCEEDED, RunState.FAILED, RunState.ROLLED_BACK))
                .setMaxResults(threshold);
        if (owner != null) {
            query.setParameter("owner", owner);
        }
        List<Object[]> rows = query.getResultList();
        List<Ending> recent = rows.stream()
                .map(r -> new Ending((UUID) r[0], (String) r[1], (RunState) r[2], (String) r[3], (Instant) r[4])).toList();
        boolean open = recent.size() == threshold && recent.stream().allMatch(e -> e.state() != RunState.SUCCEEDED);
        return new Status(open, threshold, recent);
    }

    /** Whether a person approved this run while the breaker held it (it waited with the breaker's reason). */
    public boolean approvedPast(Run run) {
        return RunTransition.count("runId = ?1 and toState = ?2 and reason like ?3", run.id, RunState.AWAITING_APPROVAL,
                HELD + "%") > 0;
    }
}
