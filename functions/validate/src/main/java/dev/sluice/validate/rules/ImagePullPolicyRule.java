package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container whose image pull policy is not Always, as Kubernetes sets it: written, or by default (Always for
 * no tag or {@code :latest}, else IfNotPresent). With IfNotPresent a node runs whatever image it cached under the
 * tag, and another namespace's pod can use an image its own pull secret would not allow. kube-score's
 * container-image-pull-policy reads it the same way; Polaris' pullPolicyNotAlways is a warning by default, and so is
 * this. An image pinned by digest cannot change under its name and is not flagged; nor are Knative workloads
 * (Knative resolves tags to digests itself).
 */
@ApplicationScoped
public class ImagePullPolicyRule extends ContainerRule {
    public ImagePullPolicyRule() {
        super("image-pull-policy", Severity.WARNING, "A container whose image pull policy (written or by default) is not Always.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        String image = c.node().path("image").asText("");
        if (PodSpecs.isKnative(object) || image.isEmpty() || image.contains("@")) {
            return List.of();
        }
        JsonNode policy = c.node().get("imagePullPolicy");
        if (policy != null && policy.isTextual()) {
            if (policy.asText().equals("Always")) {
                return List.of();
            }
            return List.of(finding(object, c.pointer() + "/imagePullPolicy", describe(object, c) + " pulls its image "
                    + policy.asText(), "set imagePullPolicy: Always, or pin the image by digest (image@sha256:...)"));
        }
        String tag = ImageTagRule.tag(image);
        if (tag == null || tag.equals("latest")) {
            return List.of(); // Kubernetes' default is then Always
        }
        return List.of(finding(object, c.pointer() + "/image", describe(object, c) + " has no imagePullPolicy: image "
                + image + " is pulled IfNotPresent", "set imagePullPolicy: Always, or pin the image by digest (image@sha256:...)"));
    }
}
