package dev.sluice.analyze;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.analyze.lines.LineCount;
import dev.sluice.analyze.risk.RiskAssessment;
import dev.sluice.analyze.risk.RiskFactor;
import dev.sluice.analyze.secrets.AllowedSecret;
import dev.sluice.analyze.secrets.SecretFinding;

/**
 * Everything analyze measures of one (repository, before, after): a function of the repository's content at those
 * commits (and of the installation's fingerprint key, named by {@code fingerprintKey}), so it is cached on that
 * key ({@link AnalysisCacheEntry}). {@code wholeTreeReason} says only what the key says (no base, or the base is
 * not on the remote); the handler words it for the request. What depends on the request or the moment (the
 * pushed ref's environment, a forced push, runs deploying right now) is judged on top of it by {@link RiskAssessment}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Measurement(int version, String base, String head, boolean wholeTree, String wholeTreeReason,
        RepositoryCache.Fetch fetch, List<ChangedFile> files, Map<String, LineCount> languages, GraphSummary graph,
        List<SecretFinding> secrets, List<AllowedSecret> allowedSecrets, List<RiskFactor.Evidence> conflictMarkers,
        List<ManifestObjects.Duplicate> duplicateObjects, List<ManifestObjects.ObjectRef> changedObjects,
        SluiceSettings settings, String fingerprintKey) {

    /**
     * Bump when a rule changes what is measured: cached measurements of older versions are not used. 2: files marked
     * in .gitattributes, shallow fetch, multi-line JS/TS imports and .jsx files, reach of deleted files, keyed
     * fingerprints, whole-tree reasons without the request's words. 3: provider rules by shape (common's
     * provider-rules.tsv), connection strings, Bearer and Basic credentials, private keys judged and fingerprinted by
     * their body.
     */
    public static final int VERSION = 3;

    /** The same measurement with the whole-tree reason worded for one request. */
    Measurement withWholeTreeReason(String reason) {
        return new Measurement(version, base, head, wholeTree, reason, fetch, files, languages, graph, secrets,
                allowedSecrets, conflictMarkers, duplicateObjects, changedObjects, settings, fingerprintKey);
    }

    public int linesAdded() {
        return files.stream().mapToInt(ChangedFile::added).sum();
    }

    public int linesRemoved() {
        return files.stream().mapToInt(ChangedFile::removed).sum();
    }

    public int changedLines() {
        return linesAdded() + linesRemoved();
    }

    /** Changed lines with vendored and generated files counted a tenth. */
    public int weightedLines() {
        double w = 0;
        for (ChangedFile f : files) {
            w += f.weighsLess() ? f.changedLines() / 10.0 : f.changedLines();
        }
        return (int) Math.round(w);
    }

    public long binaryFiles() {
        return files.stream().filter(ChangedFile::binary).count();
    }

    /** The import graph at {@code head}, and how far the change reaches through it. */
    public record GraphSummary(int files, int edges, int cycles, List<List<String>> largestCycles,
            List<String> changedInCycles, int dependents, double reach, Map<String, Integer> dependentsPerChangedFile,
            List<String> sampleDependents, int changedCodeOutsideGraph) {
    }
}
