package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A container image with no tag or the {@code latest} tag: what runs changes under the same manifest, so a
 * rollback to this commit may not bring back what ran. A digest pins the image whatever the tag says.
 */
@ApplicationScoped
public class ImageTagRule implements ObjectRule {
    public static final String ID = "image-tag";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "A container image without a tag, or with the latest tag.";
    }

    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        for (PodSpecs.Container c : PodSpecs.containers(object)) {
            JsonNode image = c.node().get("image");
            if (image == null || !image.isTextual() || image.asText().isBlank()) {
                continue; // no image at all is a schema matter, not this policy's
            }
            String ref = image.asText().trim();
            if (ref.contains("@")) {
                continue; // pinned by digest
            }
            String tag = tag(ref);
            if (tag == null) {
                findings.add(finding(object, c.pointer() + "/image", object.label() + " " + c.label() + " image " + ref
                        + " has no tag, so it means :latest", "pin the image to a version tag or a digest"));
            } else if (tag.equals("latest")) {
                findings.add(finding(object, c.pointer() + "/image", object.label() + " " + c.label() + " uses image " + ref,
                        "pin the image to a version tag or a digest instead of :latest"));
            }
        }
        return findings;
    }

    /** The tag of an image reference without a digest, or null; a registry port ("host:5000/app") is not a tag. */
    static String tag(String ref) {
        int colon = ref.indexOf(':', ref.lastIndexOf('/') + 1);
        return colon < 0 ? null : ref.substring(colon + 1);
    }
}
