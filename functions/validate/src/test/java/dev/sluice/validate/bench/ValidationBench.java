package dev.sluice.validate.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.sluice.validate.ManifestFile;
import dev.sluice.validate.ManifestValidator;
import dev.sluice.validate.OfflineValidator;
import dev.sluice.validate.ValidationResult;
import dev.sluice.validate.ValidationSettings;
import dev.sluice.validate.rules.ValidationScope;

/**
 * Validates 1,000 manifests (a Deployment, a Service, a ConfigMap and a Knative Service, 250 of each, 40 to a
 * file, so 25 files) from bytes to report: parsing, field lines, schema, every policy rule. Not part of the build: run it
 * with functions/validate/bench/run.sh. Prints the cold first run (class loading, schema compilation) and the
 * median of the warm runs that follow, as a function instance sees them.
 */
public final class ValidationBench {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web-%1$d
              labels: {app.kubernetes.io/name: web-%1$d}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web-%1$d}}
              template:
                metadata: {labels: {app: web-%1$d}}
                spec:
                  securityContext: {runAsNonRoot: true, runAsUser: 1000}
                  containers:
                  - name: app
                    image: registry.local/shop/web:1.%1$d.0
                    ports: [{name: http, containerPort: 8080}]
                    env: [{name: MODE, value: fast}, {name: DB_HOST, value: db}]
                    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
                    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
                    livenessProbe: {httpGet: {path: /live, port: http}}
                    readinessProbe: {httpGet: {path: /ready, port: http}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-%1$d, labels: {app.kubernetes.io/name: web-%1$d}}
            spec:
              selector: {app: web-%1$d}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-%1$d-settings}
            data: {mode: fast, level: info}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: fn-%1$d, labels: {app.kubernetes.io/name: fn-%1$d}}
            spec:
              template:
                metadata:
                  annotations: {autoscaling.knative.dev/min-scale: "0", autoscaling.knative.dev/max-scale: "10"}
                spec:
                  containerConcurrency: 50
                  timeoutSeconds: 120
                  containers:
                  - image: registry.local/shop/fn:latest
            """;

    public static void main(String[] args) {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<byte[]> contents = new ArrayList<>();
        int perFile = 10; // groups of 4 objects
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < objects / 4; i++) {
            file.append(file.length() == 0 ? "" : "---\n").append(DEPLOYMENT.formatted(i));
            if ((i + 1) % perFile == 0) {
                contents.add(file.toString().getBytes(StandardCharsets.UTF_8));
                file.setLength(0);
            }
        }
        if (file.length() > 0) {
            contents.add(file.toString().getBytes(StandardCharsets.UTF_8));
        }
        ManifestValidator validator = OfflineValidator.create();
        ValidationScope scope = new ValidationScope("production", null);
        long[] millis = new long[runs];
        ValidationResult last = null;
        for (int r = 0; r < runs; r++) {
            long started = System.nanoTime();
            List<ManifestFile> files = new ArrayList<>();
            for (int f = 0; f < contents.size(); f++) {
                files.add(ManifestFile.of("k8s/app-" + f + ".yaml", contents.get(f)));
            }
            last = validator.validate(List.of("k8s/"), files, scope, ValidationSettings.DEFAULTS);
            millis[r] = (System.nanoTime() - started) / 1_000_000;
        }
        long[] warm = Arrays.copyOfRange(millis, 1, runs);
        Arrays.sort(warm);
        System.out.printf("objects: %d in %d files; findings: %d %s%n", last.objects().size(), contents.size(),
                last.findings().size(), last.counts());
        // where the time goes: each rule alone over the same objects
        var found = dev.sluice.validate.ManifestObjects.of(contents.stream()
                .map(c -> ManifestFile.of("k8s/x.yaml", c)).toList()).checked();
        for (var rule : OfflineValidator.rules()) {
            long t = System.nanoTime();
            rule.check(found, scope);
            long ms = (System.nanoTime() - t) / 1_000_000;
            if (ms > 5) {
                System.out.printf("  %-22s %d ms%n", rule.id(), ms);
            }
        }
        System.out.printf("cold first run: %d ms; warm median of %d: %d ms (min %d, max %d)%n", millis[0], warm.length,
                warm[warm.length / 2], warm[0], warm[warm.length - 1]);
    }
}
