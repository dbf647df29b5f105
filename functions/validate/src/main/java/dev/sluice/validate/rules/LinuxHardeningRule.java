package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A Linux container that no kernel hardening restricts: no seccomp profile (other than Unconfined) on it or its
 * pod, no AppArmor profile (field or the {@code container.apparmor.security.beta.kubernetes.io/<name>} annotation),
 * no SELinux options, no dropped capability (or ALL added back). Any one of them passes, as in Polaris' linuxHardening (default
 * warning there and here). Windows pods ({@code spec.os.name: windows}) are left alone.
 */
@ApplicationScoped
public class LinuxHardeningRule extends ContainerRule {
    static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

    public LinuxHardeningRule() {
        super("linux-hardening", Severity.WARNING,
                "A Linux container with no seccomp or AppArmor profile, no SELinux options and no dropped capability.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        if ("windows".equalsIgnoreCase(pod.path("os").path("name").asText())) {
            return List.of();
        }
        JsonNode own = c.node().path("securityContext");
        JsonNode podContext = pod.path("securityContext");
        if (profiled(own, podContext, "seccompProfile") || profiled(own, podContext, "appArmorProfile")
                || apparmorAnnotation(object, c) || own.path("seLinuxOptions").size() > 0
                || podContext.path("seLinuxOptions").size() > 0 || dropsWithoutAddingAll(own.path("capabilities"))) {
            return List.of();
        }
        return List.of(finding(object, c.pointer() + (own.isObject() ? "/securityContext" : ""), describe(object, c)
                + " has no seccomp or AppArmor profile, no SELinux options and drops no capability",
                "set securityContext.seccompProfile.type: RuntimeDefault (on the pod or the container) and capabilities.drop: [ALL]"));
    }

    /** A capability dropped, unless ALL are added back. */
    private static boolean dropsWithoutAddingAll(JsonNode capabilities) {
        if (capabilities.path("drop").size() == 0) {
            return false;
        }
        for (JsonNode added : capabilities.path("add")) {
            if (added.asText().equalsIgnoreCase("ALL")) {
                return false;
            }
        }
        return true;
    }

    /** A profile of the container, else of the pod, whose type is set and not Unconfined. */
    private static boolean profiled(JsonNode own, JsonNode pod, String field) {
        JsonNode type = own.path(field).path("type");
        if (type.isMissingNode() || type.isNull()) {
            type = pod.path(field).path("type");
        }
        return type.isTextual() && !type.asText().isBlank() && !type.asText().equals("Unconfined");
    }

    private static boolean apparmorAnnotation(ManifestObject object, PodSpecs.Container c) {
        String metadata = PodSpecs.templateMetadataPointer(object);
        JsonNode value = object.at((metadata == null ? "/metadata" : metadata) + "/annotations").path(APPARMOR_ANNOTATION + c.name());
        return value.isTextual() && !value.asText().equals("unconfined");
    }
}
