package dev.sluice.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.jboss.logging.Logger;

import dev.sluice.events.EventTypes;

/** Applies a transition the table allows, or records the refusal. The only code that changes {@link Run#state}. */
public final class RunTransitions {
    private RunTransitions() {
    }

    /** Progress lines, one per transition: what a person watching the local pipeline reads. */
    private static final Logger PROGRESS = Logger.getLogger("sluice.run");

    /**
     * The event (or API call) that caused a transition, and who acted: the authenticated principal for an API call, the
     * stage's function for a stage result; null means route decided by itself (a push, a tick, a timeout).
     */
    public record Cause(String eventId, String eventType, String actor) {
        public Cause(String eventId, String eventType) {
            this(eventId, eventType, null);
        }

        public static Cause of(io.cloudevents.CloudEvent e) {
            return new Cause(e.getId(), e.getType(), actorOf(e));
        }

        /** A stage result names the function that sent it; a run command sent as an event names its source. */
        static String actorOf(io.cloudevents.CloudEvent e) {
            String type = e.getType();
            String source = e.getSource() == null ? null : e.getSource().toString();
            if (type.startsWith("dev.sluice.run.")) {
                return "event " + source;
            }
            return switch (type) {
                case EventTypes.ANALYSIS_COMPLETED -> "analyze";
                case EventTypes.VALIDATION_COMPLETED, EventTypes.TESTS_PROGRESSED, EventTypes.TESTS_COMPLETED -> "validate";
                case EventTypes.DEPLOYMENT_PROGRESSED, EventTypes.DEPLOYMENT_COMPLETED -> "deploy";
                case EventTypes.STEP_FAILED -> source != null && source.startsWith("/sluice/") ? source.substring(8).split("/")[0] : source;
                default -> null;
            };
        }
    }

    /** The actor of a transition route made by itself. */
    public static final String ROUTE = "route";

    /** The longest reason a column holds (runs.state_reason, run_transitions.reason, run_events.detail). */
    static final int REASON_LENGTH = 4000;

    /** A reason cut to what its column holds: a long error text must not make a transition fail to commit. */
    static String fit(String reason) {
        return reason == null || reason.length() <= REASON_LENGTH ? reason : reason.substring(0, REASON_LENGTH - 15) + " ... (cut here)";
    }

    /** Persists a new run in its first state, RECEIVED, with the first row of its audit trail. */
    public static void start(Run run, String reason, Cause cause) {
        reason = fit(reason);
        run.state = RunState.RECEIVED;
        run.stateReason = reason;
        run.updatedAt = Instant.now();
        run.persist();
        append(run, null, RunState.RECEIVED, reason, cause);
    }

    /**
     * Moves the run to {@code to} if the table allows it, appending the audit row; otherwise records the
     * refusal and changes nothing.
     *
     * @return whether the transition was applied
     */
    public static boolean move(Run run, RunState to, String reason, Cause cause) {
        reason = fit(reason);
        RunState from = run.state;
        if (!RunStateMachine.allows(from, to)) {
            RunEvent.record(run.id, cause.eventId(), cause.eventType(), RunEvent.Outcome.REFUSED,
                    "transition " + from + " -> " + to + " is not allowed (" + reason + ")");
            PROGRESS.debugf("run %s refused %s -> %s", run.id, from, to);
            return false;
        }
        run.state = to;
        run.stateReason = reason;
        run.retryAt = null;
        run.updatedAt = Instant.now();
        append(run, from, to, reason, cause);
        return true;
    }

    private static void append(Run run, RunState from, RunState to, String reason, Cause cause) {
        RunTransition t = new RunTransition();
        t.runId = run.id;
        t.fromState = from;
        t.toState = to;
        t.reason = reason;
        t.causeEventId = cause.eventId();
        t.causeType = cause.eventType();
        t.actor = fitActor(cause.actor() == null ? ROUTE : cause.actor());
        t.at = run.updatedAt;
        t.persist();
        String line = String.format("run %s %s@%s: %s -> %s%s", run.id.toString().substring(0, 8),
                run.ref.replaceFirst("^refs/(heads|tags)/", ""), run.shortSha(), from == null ? "(new)" : from, to,
                reason == null ? "" : " (" + (reason.length() > 300 ? reason.substring(0, 297) + "..." : reason) + ")");
        afterCommit(line, RunTransitioned.of(run, from, t));
    }

    private static String fitActor(String actor) {
        return actor.length() <= 500 ? actor : actor.substring(0, 500);
    }

    private static final Object PROGRESS_LINES = new Object();

    /**
     * A progress line is printed, and {@link RunTransitioned} fired, once its transaction commits: a rolled-back
     * duplicate prints and fires nothing.
     */
    private static void afterCommit(String line, RunTransitioned notice) {
        io.quarkus.arc.ArcContainer arc = io.quarkus.arc.Arc.container();
        TransactionSynchronizationRegistry registry = arc == null ? null
                : arc.instance(TransactionSynchronizationRegistry.class).get();
        if (registry == null || registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
            PROGRESS.info(line);
            fire(arc, List.of(notice));
            return;
        }
        // one synchronization per transaction prints its lines in the order they were made (the transaction
        // manager runs separate synchronizations in reverse order)
        Pending lines = (Pending) registry.getResource(PROGRESS_LINES);
        if (lines == null) {
            Pending pending = new Pending(new ArrayList<>(), new ArrayList<>());
            registry.putResource(PROGRESS_LINES, pending);
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        pending.lines().forEach(PROGRESS::info);
                        fire(arc, pending.notices());
                    }
                }
            });
            lines = pending;
        }
        lines.lines().add(line);
        lines.notices().add(notice);
    }

    private record Pending(List<String> lines, List<RunTransitioned> notices) {
    }

    private static void fire(io.quarkus.arc.ArcContainer arc, List<RunTransitioned> notices) {
        if (arc == null || !arc.isRunning()) {
            return;
        }
        jakarta.enterprise.event.Event<RunTransitioned> event = arc.beanManager().getEvent().select(RunTransitioned.class);
        for (RunTransitioned notice : notices) {
            event.fireAsync(notice); // observers run on another thread: they cannot slow or fail the commit
        }
    }
}
