package dev.sluice.run;

import static dev.sluice.run.RunState.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The one table of which state may follow which. Nothing else decides whether a transition is allowed. */
public final class RunStateMachine {
    private RunStateMachine() {
    }

    private static final Map<RunState, Set<RunState>> NEXT = new EnumMap<>(RunState.class);

    static {
        // Every state that is not final may also end SUPERSEDED, CANCELLED or FAILED (timeout, retries spent, dead letter).
        allow(RECEIVED, ANALYZING);
        allow(ANALYZING, VALIDATING, AWAITING_APPROVAL, REJECTED);
        // A ref that maps to no environment is checked, not deployed: it ends SUCCEEDED after validation.
        allow(VALIDATING, QUEUED, AWAITING_APPROVAL, SUCCEEDED);
        // A run whose .sluice.yaml has tests: runs them after validation; what follows is what validation would have led to.
        allow(VALIDATING, TESTING);
        allow(TESTING, QUEUED, AWAITING_APPROVAL, SUCCEEDED);
        allow(AWAITING_APPROVAL, QUEUED, REJECTED);
        // A queued run is held for approval when its environment's circuit breaker opens before it starts.
        allow(QUEUED, DEPLOYING, AWAITING_APPROVAL);
        allow(DEPLOYING, SUCCEEDED, ROLLED_BACK);
        for (RunState s : RunState.values()) {
            if (!s.isFinal()) {
                NEXT.computeIfAbsent(s, k -> EnumSet.noneOf(RunState.class)).addAll(EnumSet.of(SUPERSEDED, CANCELLED, FAILED));
            }
        }
        // DEPLOYING has started changing an environment: a newer push queues behind it instead of superseding it.
        NEXT.get(DEPLOYING).remove(SUPERSEDED);
        for (RunState s : RunState.FINAL) {
            NEXT.put(s, EnumSet.noneOf(RunState.class));
        }
    }

    private static void allow(RunState from, RunState... to) {
        NEXT.computeIfAbsent(from, k -> EnumSet.noneOf(RunState.class)).addAll(Set.of(to));
    }

    public static boolean allows(RunState from, RunState to) {
        return NEXT.get(from).contains(to);
    }

    public static Set<RunState> next(RunState from) {
        return Collections.unmodifiableSet(NEXT.get(from));
    }
}
