package dev.sluice.analyze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jboss.logging.Logger;

import dev.sluice.git.GitRepositories;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.analyze.imports.ImportGraph;
import dev.sluice.analyze.imports.ImportScan;
import dev.sluice.analyze.lines.LineCount;
import dev.sluice.analyze.risk.RiskFactor;
import dev.sluice.analyze.secrets.SecretAllowance;
import dev.sluice.analyze.secrets.SecretFingerprint;
import dev.sluice.analyze.secrets.SecretScan;

/**
 * Measures one change in a repository: the diff, the tree's languages, the import graph and the change's reach,
 * secrets, conflict markers and the manifests' objects. Plain code over a JGit repository (no CDI, no database),
 * so the benchmark runs exactly what the function runs.
 */
final class Measure {
    private Measure() {
    }

    private static final Logger LOG = Logger.getLogger(Measure.class);
    private static final ExecutorService SECOND_THREAD = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-analyze-tree");
        t.setDaemon(true);
        return t;
    });
    private static final Pattern CONFLICT_MARKER = Pattern.compile("^(?:<{7}|>{7})(?: .*)?$");
    static final int LARGEST_CYCLES = 5;
    static final int CYCLE_MEMBERS = 10;
    static final int SAMPLE_DEPENDENTS = 20;

    /**
     * @param base the commit to diff against, or null for the whole tree ({@code wholeTreeReason} says why)
     * @throws dev.sluice.settings.SettingsException when .sluice.yaml at head is broken
     */
    static Measurement of(Repository repo, String base, String wholeTreeReason, String head, TreeCache cache,
            RepositoryCache.Fetch fetch) throws IOException {
        long t0 = System.nanoTime();
        SluiceSettings settings = GitRepositories.settings(repo, head);
        long tSettings = System.nanoTime();
        RevCommit headCommit = GitRepositories.commit(repo, head);
        // The tree's languages and import graph on a second thread while this one reads the diff: two cores, two reads.
        CompletableFuture<Object[]> tree = CompletableFuture.supplyAsync(() -> {
            try (ObjectReader reader = repo.newObjectReader()) {
                Map<String, LineCount> counted = cache.counts().count(reader, headCommit.getTree());
                return new Object[] { counted, new ImportGraph(cache.importScans(reader, headCommit.getTree())) };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, SECOND_THREAD);
        Change change = ChangeReader.read(repo, base, wholeTreeReason, head);
        long tDiff = System.nanoTime();
        Map<String, LineCount> languages;
        ImportGraph graph;
        try {
            Object[] done = tree.join();
            @SuppressWarnings("unchecked")
            Map<String, LineCount> counted = (Map<String, LineCount>) done[0];
            languages = counted;
            graph = (ImportGraph) done[1];
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }

        long tTree = System.nanoTime();
        SecretAllowance.Split secrets = SecretAllowance.apply(SecretScan.findings(change.addedLines()),
                change.addedLines(), settings.analysis().allow());
        List<RiskFactor.Evidence> markers = new ArrayList<>();
        for (AddedLine l : change.addedLines()) {
            if (CONFLICT_MARKER.matcher(l.text()).matches()) {
                markers.add(new RiskFactor.Evidence(l.file(), l.line()));
            }
        }
        long tSecrets = System.nanoTime();
        Measurement.GraphSummary summary = graphSummary(graph, change.files(), goneScans(repo, base, change.files(), cache));
        long tGraph = System.nanoTime();
        List<ManifestObjects.ObjectRef> atHead = manifests(repo, headCommit, cache, settings.manifests());
        List<ManifestObjects.Duplicate> duplicates = ManifestObjects.duplicates(atHead);
        List<ManifestObjects.ObjectRef> changedObjects = ManifestObjects.changed(repo, base, head, change.files(),
                settings.manifests(), atHead);
        long tManifests = System.nanoTime();
        if (LOG.isDebugEnabled()) {
            LOG.debugf("measured %s: settings %d ms, diff %d ms, tree (waited) %d ms, secrets %d ms, graph %d ms, manifests %d ms",
                    head, ms(t0, tSettings), ms(tSettings, tDiff), ms(tDiff, tTree), ms(tTree, tSecrets), ms(tSecrets, tGraph),
                    ms(tGraph, tManifests));
        }
        return new Measurement(Measurement.VERSION, change.base(), change.head(), change.wholeTree(),
                change.wholeTreeReason(), fetch, change.files(), languages, summary, secrets.blocking(), secrets.allowed(),
                List.copyOf(markers), duplicates, changedObjects, settings, SecretFingerprint.keyId());
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static List<ManifestObjects.ObjectRef> manifests(Repository repo, RevCommit head, TreeCache cache,
            List<String> paths) throws IOException {
        try (ObjectReader reader = repo.newObjectReader()) {
            return cache.manifestObjects(reader, head.getTree(), paths);
        }
    }

    /** What the files the change deleted or renamed away declared at {@code base}: the graph finds who still imports them. */
    private static Map<String, ImportScan> goneScans(Repository repo, String base, List<ChangedFile> files, TreeCache cache)
            throws IOException {
        List<String> gone = new ArrayList<>();
        for (ChangedFile f : files) {
            if ("deleted".equals(f.changeType())) {
                gone.add(f.path());
            } else if ("renamed".equals(f.changeType())) {
                gone.add(f.oldPath());
            }
        }
        gone.removeIf(p -> ImportScan.graphLanguage(p) == null);
        if (base == null || gone.isEmpty()) {
            return Map.of();
        }
        try (ObjectReader reader = repo.newObjectReader()) {
            return cache.importScansOf(reader, GitRepositories.commit(repo, base).getTree(), gone);
        }
    }

    private static Measurement.GraphSummary graphSummary(ImportGraph graph, List<ChangedFile> files,
            Map<String, ImportScan> gone) {
        List<String> changed = new ArrayList<>();
        int outside = 0;
        for (ChangedFile f : files) {
            if ("deleted".equals(f.changeType())) {
                continue;
            }
            if (graph.contains(f.path())) {
                changed.add(f.path());
            } else if (f.isCode()) {
                outside++;
            }
        }
        Set<String> dependents = new TreeSet<>(graph.dependentsOf(changed));
        // A gone file's dependents: the files that still import it, and what depends on them.
        Map<String, Integer> gonePerFile = new LinkedHashMap<>();
        for (var e : graph.importersOfGone(gone).entrySet()) {
            Set<String> reached = new TreeSet<>(e.getValue());
            reached.addAll(graph.dependentsOf(e.getValue()));
            reached.removeAll(changed);
            dependents.addAll(reached);
            gonePerFile.put(e.getKey(), reached.size());
        }
        List<List<String>> cycles = graph.cycles();
        List<String> inCycles = new ArrayList<>();
        for (List<String> c : cycles) {
            for (String f : changed) {
                if (c.contains(f)) {
                    inCycles.add(f);
                }
            }
        }
        inCycles.sort(null);
        Map<String, Integer> reachPerFile = new LinkedHashMap<>(graph.reachPerFile(changed, 50));
        reachPerFile.putAll(gonePerFile);
        Map<String, Integer> perFile = new LinkedHashMap<>();
        reachPerFile.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(10).forEach(e -> perFile.put(e.getKey(), e.getValue()));
        int others = Math.max(1, graph.fileCount() - changed.size());
        double reach = graph.fileCount() == 0 ? 0 : Math.round(1000.0 * dependents.size() / others) / 1000.0;
        return new Measurement.GraphSummary(graph.fileCount(), graph.edgeCount(), cycles.size(),
                cycles.stream().limit(LARGEST_CYCLES).map(c -> c.stream().limit(CYCLE_MEMBERS).toList()).toList(),
                List.copyOf(inCycles), dependents.size(), reach, perFile,
                dependents.stream().limit(SAMPLE_DEPENDENTS).toList(), outside);
    }
}
