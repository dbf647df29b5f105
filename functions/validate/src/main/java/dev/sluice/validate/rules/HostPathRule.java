package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** A hostPath volume reaches into the node's filesystem; the docker socket or /etc hand over the node itself. */
@ApplicationScoped
public class HostPathRule extends DescribedRule implements ObjectRule {
    static final Set<String> SENSITIVE = Set.of("/", "/etc", "/var", "/var/run", "/var/run/docker.sock", "/run",
            "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/proc", "/sys", "/dev", "/boot", "/root",
            "/var/lib/kubelet", "/var/lib/docker", "/usr", "/lib", "/bin", "/sbin", "/home");

    public HostPathRule() {
        super("host-path", Severity.WARNING, "A pod that mounts a directory or socket of the node (hostPath volume).");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        JsonNode pod = PodSpecs.podSpec(object);
        List<ManifestFinding> findings = new ArrayList<>();
        if (pod == null) {
            return findings;
        }
        JsonNode volumes = pod.path("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            JsonNode hostPath = volumes.get(i).get("hostPath");
            if (hostPath == null) {
                continue;
            }
            String path = hostPath.path("path").asText();
            String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            boolean sensitive = SENSITIVE.contains(trimmed) || trimmed.endsWith(".sock");
            findings.add(finding(object, PodSpecs.podSpecPointer(object) + "/volumes/" + i + "/hostPath",
                    object.label() + " mounts " + (sensitive ? "the sensitive host path " : "host path ") + path
                            + " (volume " + volumes.get(i).path("name").asText() + ")",
                    "use a ConfigMap, Secret, emptyDir or PersistentVolumeClaim instead of the node's filesystem"));
        }
        return findings;
    }
}
