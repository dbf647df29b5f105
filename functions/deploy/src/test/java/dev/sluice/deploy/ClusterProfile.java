package dev.sluice.deploy;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * deploy in cluster mode against fabric8's CRUD mock server. The mock has no server-side apply, so objects are
 * applied with create-or-update ({@code sluice.deploy.apply=replace}); {@link ServerSideApplyTest} covers the
 * server-side apply requests themselves. The probe reaches tagged revisions by the URL in the Service's status,
 * which the tests point at a local HTTP server.
 */
public class ClusterProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sluice.deploy.mode", "cluster",
                "sluice.deploy.apply", "replace",
                "sluice.deploy.probe-address", "status",
                "sluice.deploy.cluster-scoped-allowlist", "Namespace",
                // every drift check compares the environments with their releases (DriftTest posts them; no other test does)
                "sluice.deploy.drift.interval", "0s");
    }

    /** A .sluice.yaml with one environment deployed from main. */
    static String sluiceYaml(String environment, String strategy, String canary, boolean prune) {
        return "environments:\n"
                + "  - name: " + environment + "\n"
                + "    branch: main\n"
                + "    namespace: " + environment + "\n"
                + "    strategy: " + strategy + "\n"
                + (canary == null ? "" : "    canary: " + canary + "\n")
                + "    prune: " + prune + "\n";
    }

    static String knativeService(String name, String image) {
        return """
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  template:
                    spec:
                      containers:
                        - image: %s
                """.formatted(name, image);
    }

    static String deployment(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                        - name: %s
                          image: %s
                """.formatted(name, name, name, name, image);
    }

    static String statefulSet(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: %s
                spec:
                  replicas: 2
                  serviceName: %s
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                        - name: %s
                          image: %s
                """.formatted(name, name, name, name, name, image);
    }

    static String configMap(String name, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\ndata: {value: \"" + value + "\"}\n";
    }
}
