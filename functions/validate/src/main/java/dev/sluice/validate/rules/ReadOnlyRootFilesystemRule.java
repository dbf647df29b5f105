package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A writable root filesystem lets an intruder change the container's binaries; mount what must be written. */
@ApplicationScoped
public class ReadOnlyRootFilesystemRule extends ContainerRule {
    public ReadOnlyRootFilesystemRule() {
        super("read-only-root-fs", Severity.WARNING, "A container whose root filesystem is writable.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        JsonNode ro = c.node().path("securityContext").get("readOnlyRootFilesystem");
        if (ro != null && ro.asBoolean(false)) {
            return List.of();
        }
        String at = ro != null ? c.pointer() + "/securityContext/readOnlyRootFilesystem" : c.pointer();
        return List.of(finding(object, at, describe(object, c) + " has a writable root filesystem",
                "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write"));
    }
}
