package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * A probe aimed at a port the container does not declare: a named port that does not exist never resolves,
 * so the probe always fails; a number outside the declared ports is most often a stale copy.
 */
@ApplicationScoped
public class ProbePortRule extends ContainerRule {
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    private static final List<String> HANDLERS = List.of("httpGet", "tcpSocket", "grpc");

    public ProbePortRule() {
        super("probe-port", Severity.WARNING, "A liveness, readiness or startup probe aimed at a port the container does not declare.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (JsonNode p : c.node().path("ports")) {
            // httpGet, tcpSocket and grpc probes speak TCP: a UDP port cannot answer them
            if (!"TCP".equalsIgnoreCase(p.path("protocol").asText("TCP"))) {
                continue;
            }
            if (p.hasNonNull("name")) {
                names.add(p.get("name").asText());
            }
            numbers.add(p.path("containerPort").asInt(-1));
        }
        List<ManifestFinding> findings = new ArrayList<>();
        for (String probe : PROBES) {
            for (String handler : HANDLERS) {
                JsonNode port = c.node().path(probe).path(handler).get("port");
                if (port == null || port.isNull()) {
                    continue;
                }
                boolean named = port.isTextual() && !port.asText().chars().allMatch(Character::isDigit);
                boolean missing = named ? !names.contains(port.asText())
                        : !numbers.isEmpty() && !numbers.contains(port.asInt());
                if (missing) {
                    findings.add(finding(object, c.pointer() + "/" + probe + "/" + handler + "/port",
                            describe(object, c) + " " + probe + " uses port " + port.asText()
                                    + ", which the container does not declare as a TCP port",
                            named ? "name one of the container's ports " + port.asText() + ", or probe a declared port"
                                    : "probe one of the declared container ports, or declare this one"));
                }
            }
        }
        return findings;
    }
}
