package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container that may run as root: neither runAsNonRoot: true nor a non-zero runAsUser, at container or pod
 * level, or that runs with the root group. Root in a container is root on the host the moment something escapes.
 */
@ApplicationScoped
public class RunAsNonRootRule extends ContainerRule {
    public RunAsNonRootRule() {
        super("run-as-non-root", Severity.WARNING, "A container that may run as root (no runAsNonRoot: true, no non-zero runAsUser).");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode user = securitySetting(c, pod, "runAsUser");
        JsonNode nonRoot = securitySetting(c, pod, "runAsNonRoot");
        String at = c.pointer() + (c.node().has("securityContext") ? "/securityContext" : "");
        if (user != null && user.isNumber() && user.asLong() == 0) {
            return List.of(finding(object, at, describe(object, c) + " runs as root (runAsUser: 0)",
                    "set runAsUser to a non-zero uid and runAsNonRoot: true"));
        }
        JsonNode group = securitySetting(c, pod, "runAsGroup");
        if (group != null && group.isNumber() && group.asLong() == 0) {
            return List.of(finding(object, at, describe(object, c) + " runs with the root group (runAsGroup: 0)",
                    "set runAsGroup to a non-zero gid"));
        }
        if ((user != null && user.isNumber() && user.asLong() > 0) || (nonRoot != null && nonRoot.asBoolean(false))) {
            return List.of();
        }
        return List.of(finding(object, at, describe(object, c) + " may run as root: no runAsNonRoot: true or non-zero runAsUser",
                "set securityContext.runAsNonRoot: true (and runAsUser) on the container or the pod"));
    }
}
