package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sluice.events.EventCodec;

/**
 * Drift of one object, by the managed fields server-side apply records for manager sluice, and without them (the
 * mock server keeps none) by every field the applied object sets.
 */
class ObjectDriftTest {
    static final String APPLIED = """
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "api", "namespace": "shop", "labels": {"app.kubernetes.io/managed-by": "sluice"}},
             "spec": {"replicas": 2, "revisionHistoryLimit": 5,
                      "template": {"spec": {"containers": [{"name": "api", "image": "acme/api:1",
                                                            "env": [{"name": "MODE", "value": "fast"}],
                                                            "resources": {"requests": {"cpu": 0.5}}}]}}}}
            """;

    /** As a real API server keeps it: sluice's Apply entry, an HPA-like Update of replicas, kubectl adding an annotation. */
    static final String MANAGED = """
            [{"manager": "sluice", "operation": "Apply", "fieldsType": "FieldsV1",
              "fieldsV1": {"f:metadata": {"f:labels": {"f:app.kubernetes.io/managed-by": {}}},
                           "f:spec": {"f:replicas": {},
                                      "f:template": {"f:spec": {"f:containers": {"k:{\\"name\\":\\"api\\"}": {".": {}, "f:name": {}, "f:image": {},
                                          "f:env": {"k:{\\"name\\":\\"MODE\\"}": {".": {}, "f:name": {}, "f:value": {}}}}}}}}}},
             {"manager": "kubectl-annotate", "operation": "Update", "fieldsType": "FieldsV1",
              "fieldsV1": {"f:metadata": {"f:annotations": {"f:note": {}}}}}]
            """;

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) EventCodec.json().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode live() {
        ObjectNode live = json(APPLIED);
        ObjectNode md = (ObjectNode) live.get("metadata");
        md.put("resourceVersion", "42").put("uid", "u-1").set("managedFields", json("{\"m\": " + MANAGED + "}").get("m"));
        md.putObject("annotations").put("note", "added by someone else");
        live.putObject("status").put("replicas", 2).put("readyReplicas", 1);
        ((ObjectNode) live.get("spec")).put("progressDeadlineSeconds", 600);
        return live;
    }

    private static ObjectNode container(ObjectNode o, int i) {
        return (ObjectNode) o.get("spec").get("template").get("spec").get("containers").get(i);
    }

    @Test
    void fieldsOnlyOthersManageNeverDriftAndManagedOnesDoByTheirPathInTheAppliedObject() {
        ObjectNode live = live();
        JsonNode managed = ObjectDrift.managedBySluice(live);
        assertThat(managed).isNotNull();
        assertThat(ObjectDrift.paths(json(APPLIED), live, managed)).isEmpty();

        // A sidecar injected before Sluice's container: elements are matched by their key, not their place.
        ArrayNode containers = (ArrayNode) live.get("spec").get("template").get("spec").get("containers");
        containers.insertObject(0).put("name", "istio-proxy").put("image", "istio/proxyv2");
        // Not managed by Sluice per managedFields (another field manager's, or left to the defaults): no drift.
        ((ObjectNode) live.get("spec")).put("revisionHistoryLimit", 10);
        assertThat(ObjectDrift.paths(json(APPLIED), live, managed)).isEmpty();

        ((ObjectNode) live.get("spec")).put("replicas", 5);
        container(live, 1).put("image", "acme/api:evil");
        ((ObjectNode) container(live, 1).get("env").get(0)).put("value", "slow");
        assertThat(ObjectDrift.paths(json(APPLIED), live, managed)).containsExactly("/spec/replicas",
                "/spec/template/spec/containers/0/image", "/spec/template/spec/containers/0/env/0/value");

        container(live, 1).remove("env");
        assertThat(ObjectDrift.paths(json(APPLIED), live, managed)).contains("/spec/template/spec/containers/0/env/0");
    }

    @Test
    void withoutManagedFieldsEveryFieldTheAppliedObjectSetsIsComparedAndNothingElse() {
        ObjectNode live = live();
        ((ObjectNode) live.get("metadata")).remove("managedFields");
        container(live, 0).with("resources").with("requests").put("cpu", "500m");
        assertThat(ObjectDrift.managedBySluice(live)).isNull();
        assertThat(ObjectDrift.paths(json(APPLIED), live, null)).isEmpty();

        ((ObjectNode) live.get("spec")).put("revisionHistoryLimit", 10);
        ((ObjectNode) live.get("metadata").get("labels")).put("app.kubernetes.io/managed-by", "helm");
        assertThat(ObjectDrift.paths(json(APPLIED), live, null)).containsExactly("/metadata/labels/app.kubernetes.io~1managed-by",
                "/spec/revisionHistoryLimit");
    }
}
