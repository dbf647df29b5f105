package dev.sluice.analyze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import dev.sluice.analyze.imports.ImportScan;
import dev.sluice.analyze.lines.Language;
import dev.sluice.analyze.lines.TreeCounts;

/**
 * What analyze remembers about git objects between runs, keyed by object id (content never changes under an id):
 * line counts per tree and per file ({@link TreeCounts}), each source file's imports and each manifest file's objects.
 * In memory, bounded by {@code sluice.analyze.cache.trees} (trees) and {@code .files} (files of each kind).
 */
@ApplicationScoped
public class TreeCache {
    private static final Pattern GO_MODULE = Pattern.compile("(?m)^\\s*module\\s+\"?([^\\s\"]+)");

    @ConfigProperty(name = "sluice.analyze.cache.trees", defaultValue = "200000")
    int maxTrees;
    @ConfigProperty(name = "sluice.analyze.cache.files", defaultValue = "500000")
    int maxFiles;

    private volatile TreeCounts counts;
    private volatile Map<ObjectId, ImportScan> scans;

    TreeCache() {
    }

    /** For use outside CDI (the benchmark). */
    static TreeCache of(int maxTrees, int maxFiles) {
        TreeCache c = new TreeCache();
        c.maxTrees = maxTrees;
        c.maxFiles = maxFiles;
        return c;
    }

    TreeCounts counts() {
        if (counts == null) {
            synchronized (this) {
                if (counts == null) {
                    TreeCounts c = new TreeCounts(maxTrees, maxFiles);
                    // A file read for counting is scanned for imports in the same read.
                    c.listen((language, blob, content) -> {
                        if (ImportScan.reads(language) && !scans().containsKey(blob)) {
                            scans().put(blob, ImportScan.of(language, content));
                        }
                    });
                    counts = c;
                }
            }
        }
        return counts;
    }

    private Map<ObjectId, ImportScan> scans() {
        if (scans == null) {
            synchronized (this) {
                if (scans == null) {
                    scans = TreeCounts.lru(maxFiles);
                }
            }
        }
        return scans;
    }

    /** Every graph-language file of a tree (and every go.mod, whose module path Go imports start with), scanned. */
    Map<String, ImportScan> importScans(ObjectReader reader, RevTree tree) throws IOException {
        Map<String, ImportScan> out = new TreeMap<>();
        Map<ObjectId, ImportScan> cache = scans();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                if ((walk.getFileMode(0).getBits() & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    continue;
                }
                String path = walk.getPathString();
                boolean goMod = path.equals("go.mod") || path.endsWith("/go.mod");
                Language language = ImportScan.graphLanguage(path);
                if (!goMod && language == null) {
                    continue;
                }
                ObjectId id = walk.getObjectId(0);
                ImportScan scan = cache.get(id);
                if (scan == null) {
                    byte[] content = read(reader, id);
                    if (goMod) {
                        Matcher m = GO_MODULE.matcher(content == null ? "" : new String(content, StandardCharsets.UTF_8));
                        scan = new ImportScan(m.find() ? m.group(1) : null, java.util.List.of(), java.util.Set.of());
                    } else {
                        scan = content == null ? ImportScan.EMPTY : ImportScan.of(language, content);
                    }
                    cache.put(id, scan);
                }
                out.put(path, scan);
            }
        }
        return out;
    }

    /** What the graph-language files at {@code paths} of {@code tree} declare and import; a path not in the tree is left out. */
    Map<String, ImportScan> importScansOf(ObjectReader reader, RevTree tree, java.util.Collection<String> paths)
            throws IOException {
        Map<String, ImportScan> out = new TreeMap<>();
        Map<ObjectId, ImportScan> cache = scans();
        for (String path : paths) {
            Language language = ImportScan.graphLanguage(path);
            if (language == null) {
                continue;
            }
            try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
                if (walk == null || (walk.getFileMode(0).getBits() & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    continue;
                }
                ObjectId id = walk.getObjectId(0);
                ImportScan scan = cache.get(id);
                if (scan == null) {
                    byte[] content = read(reader, id);
                    scan = content == null ? ImportScan.EMPTY : ImportScan.of(language, content);
                    cache.put(id, scan);
                }
                out.put(path, scan);
            }
        }
        return out;
    }

    private volatile Map<ObjectId, Map<String, java.util.List<ManifestObjects.ObjectRef>>> manifests;

    /** Parsed manifest files by blob id, bounded like the files' counts ({@code sluice.analyze.cache.files}). */
    private Map<ObjectId, Map<String, java.util.List<ManifestObjects.ObjectRef>>> manifests() {
        if (manifests == null) {
            synchronized (this) {
                if (manifests == null) {
                    manifests = TreeCounts.lru(maxFiles);
                }
            }
        }
        return manifests;
    }

    /** How many manifest files (by content) are remembered now. */
    int manifestFilesCached() {
        return manifests().size();
    }

    /** The objects every manifest file of the tree defines (under the .sluice.yaml manifest paths); parsed once per file. */
    java.util.List<ManifestObjects.ObjectRef> manifestObjects(ObjectReader reader, RevTree tree, java.util.List<String> paths)
            throws IOException {
        java.util.List<ManifestObjects.ObjectRef> out = new java.util.ArrayList<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                String path = walk.getPathString();
                if ((walk.getFileMode(0).getBits() & FileMode.TYPE_MASK) != FileMode.TYPE_FILE
                        || !dev.sluice.manifest.ManifestSet.isManifestFile(path)
                        || !dev.sluice.manifest.ManifestSet.selectedBy(path, paths)) {
                    continue;
                }
                ObjectId id = walk.getObjectId(0);
                // Keyed by content and path: the objects carry the file they are in.
                Map<String, java.util.List<ManifestObjects.ObjectRef>> byPath = manifests().computeIfAbsent(id,
                        k -> Collections.synchronizedMap(new java.util.HashMap<>()));
                java.util.List<ManifestObjects.ObjectRef> objects = byPath.get(path);
                if (objects == null) {
                    ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
                    byte[] bytes = loader.getSize() > dev.sluice.manifest.ManifestSet.MAX_FILE_BYTES + 1
                            ? new byte[dev.sluice.manifest.ManifestSet.MAX_FILE_BYTES + 1]
                            : loader.getCachedBytes();
                    objects = java.util.List.copyOf(ManifestObjects.in(path, bytes));
                    byPath.put(path, objects);
                }
                out.addAll(objects);
            }
        }
        return out;
    }

    private static byte[] read(ObjectReader reader, ObjectId id) throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        return loader.getSize() > TreeCounts.LARGEST_COUNTED_FILE ? null : loader.getCachedBytes(TreeCounts.LARGEST_COUNTED_FILE);
    }
}
