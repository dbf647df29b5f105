package dev.sluice.validate.rules;

import jakarta.enterprise.context.ApplicationScoped;

/** Without a readiness probe a pod gets traffic before it can serve, and a rollout cannot tell a bad version. */
@ApplicationScoped
public class ReadinessProbeRule extends ProbeRule {
    public ReadinessProbeRule() {
        super("readiness-probe", "readinessProbe", "A long-running container without a readiness probe.",
                "traffic reaches it before it is ready, and a rollout cannot tell a broken version");
    }
}
