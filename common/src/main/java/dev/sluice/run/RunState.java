package dev.sluice.run;

import java.util.EnumSet;
import java.util.Set;

/** The states of a run (DESIGN.md, "A run"). */
public enum RunState {
    RECEIVED, ANALYZING, VALIDATING, TESTING, AWAITING_APPROVAL, QUEUED, DEPLOYING,
    SUCCEEDED, REJECTED, FAILED, ROLLED_BACK, SUPERSEDED, CANCELLED;

    public static final Set<RunState> FINAL = EnumSet.of(SUCCEEDED, REJECTED, FAILED, ROLLED_BACK, SUPERSEDED, CANCELLED);

    /** States a newer push to the same ref supersedes: everything before deploying starts. */
    public static final Set<RunState> SUPERSEDABLE = EnumSet.of(RECEIVED, ANALYZING, VALIDATING, TESTING, AWAITING_APPROVAL, QUEUED);

    public boolean isFinal() {
        return FINAL.contains(this);
    }
}
