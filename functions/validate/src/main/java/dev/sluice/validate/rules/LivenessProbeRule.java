package dev.sluice.validate.rules;

import jakarta.enterprise.context.ApplicationScoped;

/** Without a liveness probe a hung process keeps its pod forever. */
@ApplicationScoped
public class LivenessProbeRule extends ProbeRule {
    public LivenessProbeRule() {
        super("liveness-probe", "livenessProbe", "A long-running container without a liveness probe.",
                "a hung process is never restarted");
    }
}
