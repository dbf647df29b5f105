package dev.sluice.deploy;

/** How deploy reaches the environment: {@code sluice.deploy.mode}. Only PLAN is built. */
public enum DeployMode {
    /** No cluster: render and diff the release, record it, apply nothing. */
    PLAN,
    /** Server-side apply, canary steps and rollback against a cluster: not built yet. */
    CLUSTER
}
