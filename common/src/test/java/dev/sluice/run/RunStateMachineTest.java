package dev.sluice.run;

import static dev.sluice.run.RunState.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunStateMachineTest {
    @Test
    void nothingLeavesAFinalState() {
        for (RunState s : RunState.FINAL) {
            assertThat(RunStateMachine.next(s)).as(s.name()).isEmpty();
        }
    }

    @Test
    void theHappyPathOfDesignIsAllowed() {
        assertThat(RunStateMachine.allows(RECEIVED, ANALYZING)).isTrue();
        assertThat(RunStateMachine.allows(ANALYZING, VALIDATING)).isTrue();
        assertThat(RunStateMachine.allows(VALIDATING, QUEUED)).isTrue();
        assertThat(RunStateMachine.allows(QUEUED, DEPLOYING)).isTrue();
        assertThat(RunStateMachine.allows(DEPLOYING, SUCCEEDED)).isTrue();
        assertThat(RunStateMachine.allows(DEPLOYING, ROLLED_BACK)).isTrue();
        assertThat(RunStateMachine.allows(AWAITING_APPROVAL, QUEUED)).isTrue();
        assertThat(RunStateMachine.allows(AWAITING_APPROVAL, REJECTED)).isTrue();
    }

    @Test
    void aQueuedRunCanBeHeldForApprovalButADeployingOneCannot() {
        // the environment's circuit breaker opened while the run waited in the queue
        assertThat(RunStateMachine.allows(QUEUED, AWAITING_APPROVAL)).isTrue();
        assertThat(RunStateMachine.allows(DEPLOYING, AWAITING_APPROVAL)).isFalse();
        assertThat(RunStateMachine.allows(RECEIVED, AWAITING_APPROVAL)).isFalse();
    }

    @Test
    void skippingAStageOrGoingBackIsForbidden() {
        assertThat(RunStateMachine.allows(RECEIVED, DEPLOYING)).isFalse();
        assertThat(RunStateMachine.allows(ANALYZING, QUEUED)).isFalse();
        assertThat(RunStateMachine.allows(VALIDATING, ANALYZING)).isFalse();
        assertThat(RunStateMachine.allows(QUEUED, SUCCEEDED)).isFalse();
        assertThat(RunStateMachine.allows(DEPLOYING, QUEUED)).isFalse();
    }

    @Test
    void everyRunningStateCanBeCancelledOrFailAndAllButDeployingSuperseded() {
        for (RunState s : RunState.values()) {
            if (s.isFinal()) {
                continue;
            }
            assertThat(RunStateMachine.allows(s, CANCELLED)).as(s.name()).isTrue();
            assertThat(RunStateMachine.allows(s, FAILED)).as(s.name()).isTrue();
            assertThat(RunStateMachine.allows(s, SUPERSEDED)).as(s.name()).isEqualTo(s != DEPLOYING);
        }
    }
}
