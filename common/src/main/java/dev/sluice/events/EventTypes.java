package dev.sluice.events;

import java.util.Set;

/** The event catalog of DESIGN.md: every CloudEvent type Sluice sends or accepts. */
public final class EventTypes {
    private EventTypes() {
    }

    public static final String GITHUB_PUSH = "dev.knative.source.github.push";
    public static final String GITLAB_PUSH = "dev.knative.sources.gitlab.push";
    public static final String GITLAB_TAG_PUSH = "dev.knative.sources.gitlab.tag_push";
    public static final String PUSH = "dev.sluice.push";

    public static final String ANALYSIS_REQUESTED = "dev.sluice.analysis.requested";
    public static final String ANALYSIS_COMPLETED = "dev.sluice.analysis.completed";
    public static final String VALIDATION_REQUESTED = "dev.sluice.validation.requested";
    public static final String VALIDATION_COMPLETED = "dev.sluice.validation.completed";
    /** route asks validate to start the repository's own tests (issue 16); validate replies tests.progressed. */
    public static final String TESTS_REQUESTED = "dev.sluice.tests.requested";
    /** route, on ticks, asks validate how the tests are doing; validate replies tests.progressed or tests.completed. */
    public static final String TESTS_CHECK = "dev.sluice.tests.check";
    public static final String TESTS_PROGRESSED = "dev.sluice.tests.progressed";
    public static final String TESTS_COMPLETED = "dev.sluice.tests.completed";
    public static final String DEPLOYMENT_REQUESTED = "dev.sluice.deployment.requested";
    public static final String DEPLOYMENT_CHECK = "dev.sluice.deployment.check";
    /** route, on each tick, asks deploy to compare the environments with their releases (drift) at deploy's own pace. */
    public static final String DRIFT_CHECK = "dev.sluice.drift.check";
    public static final String DEPLOYMENT_PROGRESSED = "dev.sluice.deployment.progressed";
    public static final String DEPLOYMENT_COMPLETED = "dev.sluice.deployment.completed";
    public static final String STEP_FAILED = "dev.sluice.step.failed";

    public static final String RUN_APPROVE = "dev.sluice.run.approve";
    public static final String RUN_REJECT = "dev.sluice.run.reject";
    public static final String RUN_CANCEL = "dev.sluice.run.cancel";
    public static final String RUN_RETRY = "dev.sluice.run.retry";
    public static final String ENVIRONMENT_ROLLBACK = "dev.sluice.environment.rollback";
    public static final String TICK = "dev.sluice.tick";
    public static final String RUN_FINISHED = "dev.sluice.run.finished";

    public static final Set<String> PUSHES = Set.of(GITHUB_PUSH, GITLAB_PUSH, GITLAB_TAG_PUSH, PUSH);
    public static final Set<String> RUN_COMMANDS = Set.of(RUN_APPROVE, RUN_REJECT, RUN_CANCEL, RUN_RETRY);

    /** The {@code source} attribute of events a Sluice function emits. */
    public static String source(String function) {
        return "/sluice/" + function;
    }
}
