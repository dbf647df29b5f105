package dev.sluice.analyze.lines;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Lines per language of a git tree, cached by tree id: a tree's counts depend only on its id, so an unchanged
 * subtree is never read again, and a file (blob id and language) is never counted twice. The caches are bounded
 * (least recently used go first) and live as long as the process.
 */
public final class TreeCounts {
    /**
     * Larger files are not counted (cloc's own cut-off is far above; this bounds memory per file); the change reader
     * treats them as binary too.
     */
    public static final int LARGEST_COUNTED_FILE = 8 * 1024 * 1024;

    private final Map<ObjectId, Map<String, LineCount>> trees;
    private final Map<BlobKey, LineCount> blobs;
    private final AtomicLong treesCounted = new AtomicLong();
    private final AtomicLong blobsCounted = new AtomicLong();
    /** Called with each file read for counting, so other per-file work can share the read (the import scan). */
    private volatile BlobListener listener;

    public interface BlobListener {
        void read(Language language, ObjectId blob, byte[] content);
    }

    public void listen(BlobListener l) {
        listener = l;
    }

    private record BlobKey(ObjectId id, Language language) {
    }

    /** A blob under a name whose language only its content tells (cloc's label for the name). */
    private record NamedBlob(ObjectId id, String label) {
    }

    private final Map<NamedBlob, java.util.Optional<Language>> byContent;

    public TreeCounts(int maxTrees, int maxBlobs) {
        trees = lru(maxTrees);
        blobs = lru(maxBlobs);
        byContent = lru(maxBlobs);
    }

    /** A synchronized map of at most {@code max} entries, the least recently used dropped first. */
    public static <K, V> Map<K, V> lru(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        });
    }

    /** Trees and files actually read since start: what the cache saves shows here. */
    public long treesCounted() {
        return treesCounted.get();
    }

    public long blobsCounted() {
        return blobsCounted.get();
    }

    /** Lines per language (cloc's names) of the tree {@code tree}, sorted by language. */
    public Map<String, LineCount> count(ObjectReader reader, AnyObjectId tree) throws IOException {
        ObjectId id = tree.toObjectId();
        Map<String, LineCount> cached = trees.get(id);
        if (cached != null) {
            return cached;
        }
        Map<String, LineCount> counts = new TreeMap<>();
        CanonicalTreeParser entries = new CanonicalTreeParser(null, reader, id);
        while (!entries.eof()) {
            FileMode mode = entries.getEntryFileMode();
            if (mode == FileMode.TREE) {
                for (var e : count(reader, entries.getEntryObjectId()).entrySet()) {
                    counts.merge(e.getKey(), e.getValue(), LineCount::plus);
                }
            } else if ((mode.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE) {
                FileCount file = countFile(reader, entries.getEntryPathString(), entries.getEntryObjectId());
                if (file != null) {
                    counts.merge(file.language().label, file.count(), LineCount::plus);
                }
            }
            entries.next(1);
        }
        Map<String, LineCount> result = Collections.unmodifiableMap(counts);
        treesCounted.incrementAndGet();
        trees.put(id, result);
        return result;
    }

    public record FileCount(Language language, LineCount count) {
    }

    /** One file's lines, or null when it is in no counted language, binary or too large. */
    public FileCount countFile(ObjectReader reader, String name, ObjectId blob) throws IOException {
        String label = ClocNames.byName(name);
        byte[] content = null;
        Language language;
        if (ClocNames.needsContent(label)) {
            // cloc reads the file to name its language (.ts, .m, .pl, .cs, no extension ...): remembered by blob
            NamedBlob named = new NamedBlob(blob, label);
            java.util.Optional<Language> known = byContent.get(named);
            if (known == null) {
                content = read(reader, blob);
                known = java.util.Optional.ofNullable(content == null ? null : Language.ofLabel(ClocNames.byContent(label, content)));
                byContent.put(named, known);
            }
            language = known.orElse(null);
        } else {
            language = Language.ofLabel(label);
        }
        if (language == null) {
            return null;
        }
        BlobKey key = new BlobKey(blob, language);
        LineCount cached = blobs.get(key);
        if (cached != null) {
            return cached == LineCount.NONE ? null : new FileCount(language, cached);
        }
        if (content == null) {
            content = read(reader, blob);
        }
        LineCount count = content == null || isBinary(content) ? LineCount.NONE : LineCounter.count(language, name, content);
        BlobListener l = listener;
        if (l != null && content != null) {
            l.read(language, blob, content);
        }
        blobsCounted.incrementAndGet();
        blobs.put(key, count);
        return count == LineCount.NONE ? null : new FileCount(language, count);
    }

    private static byte[] read(ObjectReader reader, ObjectId blob) throws IOException {
        ObjectLoader loader = reader.open(blob, Constants.OBJ_BLOB);
        if (loader.getSize() > LARGEST_COUNTED_FILE) {
            return null;
        }
        return loader.getCachedBytes(LARGEST_COUNTED_FILE);
    }

    /** Git's own test: a NUL byte in the first 8000 bytes makes a file binary. */
    public static boolean isBinary(byte[] content) {
        int n = Math.min(content.length, 8000);
        for (int i = 0; i < n; i++) {
            if (content[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
