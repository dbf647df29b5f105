package dev.sluice.validate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;

class ImageTagRuleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ManifestObject pod(String image) throws Exception {
        JsonNode content = JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}");
        return new ManifestObject("v1", "Pod", null, "p", "k8s/pod.yaml", 1, -1, content);
    }

    private static List<ManifestFinding> check(String image) throws Exception {
        return new ImageTagRule().check(pod(image), new ValidationScope(null, null));
    }

    @Test
    void aRegistryPortIsNotATag() throws Exception {
        assertThat(ImageTagRule.tag("registry.local:5000/shop/api")).isNull();
        assertThat(check("registry.local:5000/shop/api")).hasSize(1);
        assertThat(check("registry.local:5000/shop/api:1.2.3")).isEmpty();
    }

    @Test
    void anUntaggedOrLatestImageIsFlaggedAndAVersionTagIsNot() throws Exception {
        assertThat(check("nginx")).singleElement().extracting(ManifestFinding::message).asString().contains("has no tag");
        assertThat(check("nginx:latest")).singleElement().extracting(ManifestFinding::ruleId).isEqualTo("image-tag");
        assertThat(check("nginx:1.27")).isEmpty();
    }

    @Test
    void aDigestPinsTheImageWhateverTheTag() throws Exception {
        assertThat(check("nginx:latest@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d")).isEmpty();
        assertThat(check("nginx@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d")).isEmpty();
    }
}
