package dev.sluice.deploy;

import java.util.List;

/**
 * What the health gate saw: HEALTHY (every check held), PENDING (nothing failed, something is not ready yet)
 * or FAILED (a check failed; the release must not go on), with the findings behind it.
 */
record HealthReading(State state, List<String> findings) {

    enum State {
        HEALTHY, PENDING, FAILED
    }

    boolean healthy() {
        return state == State.HEALTHY;
    }

    boolean failed() {
        return state == State.FAILED;
    }

    /** The same reading with one more finding. */
    HealthReading and(String finding) {
        List<String> all = new java.util.ArrayList<>(findings);
        all.add(finding);
        return new HealthReading(state, List.copyOf(all));
    }

    /** "healthy: ...", "waiting: ..." or "failed: ...", for the ledger and the progressed event. */
    String summary() {
        String prefix = switch (state) {
            case HEALTHY -> "healthy";
            case PENDING -> "waiting";
            case FAILED -> "failed";
        };
        return findings.isEmpty() ? prefix : prefix + ": " + String.join("; ", findings);
    }
}
