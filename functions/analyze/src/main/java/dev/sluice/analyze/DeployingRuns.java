package dev.sluice.analyze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.events.EventCodec;
import dev.sluice.events.Payloads.Decision;
import dev.sluice.report.StageReport;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.analyze.risk.RiskFactor;

/**
 * Objects this change touches that another run is deploying to the same environment right now: read from the
 * runs in DEPLOYING for that environment and their latest deployment report (deploy stores the objects it applies).
 */
public final class DeployingRuns {
    private DeployingRuns() {
    }

    public record Overlap(UUID runId, String kind, String namespace, String name, String file, Integer line) {
    }

    static List<Overlap> overlaps(UUID runId, String environment, String namespace, List<ManifestObjects.ObjectRef> changed) {
        if (environment == null || changed.isEmpty()) {
            return List.of();
        }
        List<Run> deploying = Run.list("state = ?1 and environment = ?2 and id <> ?3 order by createdAt",
                RunState.DEPLOYING, environment, runId);
        List<Overlap> out = new ArrayList<>();
        for (Run other : deploying) {
            StageReport report = StageReport.latest(other.id, StageReport.DEPLOYMENT);
            if (report == null) {
                continue;
            }
            Map<String, Boolean> theirs = new HashMap<>();
            try {
                for (JsonNode o : EventCodec.json().readTree(report.report).path("objects")) {
                    theirs.put(key(o.path("kind").asText(), o.path("namespace").asText(null), o.path("name").asText()), true);
                }
            } catch (Exception e) {
                continue;
            }
            for (ManifestObjects.ObjectRef c : changed) {
                // A manifest without a namespace lands in the environment's namespace (or none, if cluster-scoped).
                String ns = c.namespace() != null ? c.namespace() : namespace;
                if (theirs.containsKey(key(c.kind(), ns, c.name())) || c.namespace() == null && theirs.containsKey(key(c.kind(), null, c.name()))) {
                    out.add(new Overlap(other.id, c.kind(), ns, c.name(), c.file(), c.line()));
                }
            }
        }
        return out;
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }

    public static RiskFactor factor(List<Overlap> overlaps) {
        Overlap o = overlaps.get(0);
        return new RiskFactor("deploying-conflict", 20, "run " + o.runId() + " is deploying " + o.kind() + " "
                + (o.namespace() == null ? "" : o.namespace() + "/") + o.name() + " to the same environment now"
                + (overlaps.size() > 1 ? " (+" + (overlaps.size() - 1) + " more objects)" : ""),
                overlaps.stream().map(x -> new RiskFactor.Evidence(x.file(), x.line())).distinct().toList(),
                Decision.NEEDS_REVIEW);
    }
}
