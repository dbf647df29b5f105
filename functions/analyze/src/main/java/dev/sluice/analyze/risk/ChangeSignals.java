package dev.sluice.analyze.risk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sluice.events.Payloads.Decision;
import dev.sluice.analyze.ChangedFile;
import dev.sluice.analyze.ManifestObjects;
import dev.sluice.analyze.Measurement;

/**
 * The rules beyond secrets, size and paths: conflict markers, code changed without a test, tests deleted,
 * a forced push, the change's reach through the import graph and import cycles it touches.
 */
final class ChangeSignals {
    private ChangeSignals() {
    }

    static final int REACH_MAX_POINTS = 20;

    static List<RiskFactor> factors(Measurement m, boolean forced) {
        List<RiskFactor> out = new ArrayList<>();
        if (!m.conflictMarkers().isEmpty()) {
            RiskFactor.Evidence first = m.conflictMarkers().get(0);
            out.add(new RiskFactor("conflict-markers", 25, "merge conflict markers added: " + first.file() + ":" + first.line()
                    + (m.conflictMarkers().size() > 1 ? " (+" + (m.conflictMarkers().size() - 1) + " more)" : ""),
                    m.conflictMarkers(), Decision.NEEDS_REVIEW));
        }
        List<ChangedFile> code = m.files().stream().filter(f -> f.isCode() && !"deleted".equals(f.changeType())).toList();
        boolean testsTouched = m.files().stream().anyMatch(ChangedFile::isTest);
        if (!m.wholeTree() && !code.isEmpty() && !testsTouched) {
            out.add(new RiskFactor("no-tests", 10, code.size() + (code.size() == 1 ? " code file" : " code files")
                    + " changed and no test changed", evidence(code), null));
        }
        List<ChangedFile> deletedTests = m.files().stream()
                .filter(f -> f.isTest() && "deleted".equals(f.changeType())).toList();
        if (!deletedTests.isEmpty()) {
            out.add(new RiskFactor("tests-deleted", 10, deletedTests.size()
                    + (deletedTests.size() == 1 ? " test deleted: " : " tests deleted: ") + deletedTests.get(0).path()
                    + (deletedTests.size() > 1 ? " (+" + (deletedTests.size() - 1) + " more)" : ""), evidence(deletedTests), null));
        }
        if (forced) {
            out.add(new RiskFactor("forced-push", 10, "forced push: history was rewritten", List.of(), null));
        }
        Measurement.GraphSummary g = m.graph();
        if (g != null && g.dependents() > 0) {
            int points = (int) Math.max(1, Math.round(REACH_MAX_POINTS * Math.min(1.0, g.reach())));
            Map.Entry<String, Integer> top = g.dependentsPerChangedFile().entrySet().iterator().next();
            out.add(new RiskFactor("reach", points, g.dependents() + (g.dependents() == 1 ? " file depends" : " files depend")
                    + " on the change (" + Math.round(g.reach() * 100) + "% of " + g.files() + "), most through "
                    + top.getKey() + " (" + top.getValue() + ")",
                    g.dependentsPerChangedFile().entrySet().stream().filter(e -> e.getValue() > 0).limit(5)
                            .map(e -> new RiskFactor.Evidence(e.getKey(), null)).toList(), null));
        }
        if (g != null && !g.changedInCycles().isEmpty()) {
            out.add(new RiskFactor("import-cycle", 5, "change touches an import cycle: " + g.changedInCycles().get(0)
                    + (g.changedInCycles().size() > 1 ? " (+" + (g.changedInCycles().size() - 1) + " more)" : ""),
                    g.changedInCycles().stream().map(f -> new RiskFactor.Evidence(f, null)).toList(), null));
        }
        if (!m.duplicateObjects().isEmpty()) {
            ManifestObjects.Duplicate d = m.duplicateObjects().get(0);
            out.add(new RiskFactor("manifest-duplicate", 15, "two manifests define " + d.kind() + " "
                    + (d.namespace() == null ? "" : d.namespace() + "/") + d.name() + ": "
                    + d.definedAt().stream().map(e -> e.file() + ":" + e.line()).toList()
                    + (m.duplicateObjects().size() > 1 ? " (+" + (m.duplicateObjects().size() - 1) + " more)" : ""),
                    m.duplicateObjects().stream().flatMap(x -> x.definedAt().stream()).toList(), Decision.NEEDS_REVIEW));
        }
        return out;
    }

    private static List<RiskFactor.Evidence> evidence(List<ChangedFile> files) {
        return files.stream().map(f -> new RiskFactor.Evidence(f.path(), null)).limit(20).toList();
    }
}
