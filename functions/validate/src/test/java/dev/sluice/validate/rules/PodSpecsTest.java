package dev.sluice.validate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.validate.ManifestObject;

class PodSpecsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINERS = "{\"containers\":[{\"name\":\"app\",\"image\":\"a:1\"}],"
            + "\"initContainers\":[{\"name\":\"init\",\"image\":\"b:1\"}]}";

    private static ManifestObject object(String apiVersion, String kind, String spec) throws Exception {
        JsonNode content = JSON.readTree("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
                + "\",\"metadata\":{\"name\":\"x\"},\"spec\":" + spec + "}");
        return new ManifestObject(apiVersion, kind, null, "x", "k8s/x.yaml", 1, -1, content);
    }

    @Test
    void findsContainersWhereEachWorkloadKindKeepsItsPodSpec() throws Exception {
        assertThat(PodSpecs.containers(object("v1", "Pod", CONTAINERS))).hasSize(2);
        assertThat(PodSpecs.containers(object("apps/v1", "Deployment", "{\"template\":{\"spec\":" + CONTAINERS + "}}")))
                .extracting(PodSpecs.Container::name).containsExactly("init", "app");
        assertThat(PodSpecs.containers(object("batch/v1", "CronJob",
                "{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + CONTAINERS + "}}}}"))).hasSize(2);
        assertThat(PodSpecs.containers(object("serving.knative.dev/v1", "Service", "{\"template\":{\"spec\":" + CONTAINERS + "}}")))
                .hasSize(2);
    }

    @Test
    void aCoreServiceIsNotAKnativeService() throws Exception {
        assertThat(PodSpecs.podSpec(object("v1", "Service", "{\"template\":{\"spec\":" + CONTAINERS + "}}"))).isNull();
        assertThat(PodSpecs.podSpec(object("example.com/v1", "Deployment", "{\"template\":{\"spec\":" + CONTAINERS + "}}"))).isNull();
    }
}
