package dev.sluice.validate;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.sluice.manifest.ManifestSet;

/**
 * The line of every field of a manifest file, by document and JSON pointer, so a finding points at the
 * offending field rather than the start of its document. For YAML they are recorded from the nodes common's
 * ManifestSet composes (SnakeYAML's nodes carry marks); a JSON file, which ManifestSet reads with Jackson, is
 * composed again with SnakeYAML under the same limits, only when it has a finding. A field reached through an alias has the line of the key holding the
 * alias; one a merge key ({@code <<: *base}) brings in has the line of that {@code <<:}. A file SnakeYAML
 * cannot compose gives no field lines: findings then fall back to the document's line.
 */
public final class SourcePositions {
    private final byte[] bytes;
    // document start line -> (JSON pointer -> line)
    private Map<Integer, Map<String, Integer>> byDocument;

    public SourcePositions(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Positions filled by {@link #record} from the documents ManifestSet composes anyway: no second compose. */
    static SourcePositions recording() {
        SourcePositions p = new SourcePositions(null);
        p.byDocument = new HashMap<>();
        return p;
    }

    /** Records the field lines of one composed document. */
    void record(Node root) {
        Map<String, Integer> lines = new HashMap<>();
        walk(root, "", lines, Collections.newSetFromMap(new IdentityHashMap<>()));
        byDocument.put(root.getStartMark().getLine() + 1, lines);
    }

    /** The line of the field at {@code pointer} in the document starting at {@code documentLine}, or -1. */
    public synchronized int line(int documentLine, String pointer) {
        if (byDocument == null) {
            byDocument = compose();
        }
        Map<String, Integer> lines = byDocument.get(documentLine);
        if (lines == null) {
            return -1;
        }
        Integer line = lines.get(pointer);
        return line == null ? -1 : line;
    }

    private Map<Integer, Map<String, Integer>> compose() {
        if (bytes == null || bytes.length > ManifestSet.MAX_FILE_BYTES) {
            return Map.of();
        }
        Map<Integer, Map<String, Integer>> docs = new HashMap<>();
        try {
            for (Node root : new Yaml(ManifestSet.loaderOptions()).composeAll(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
                if (root instanceof MappingNode) {
                    Map<String, Integer> lines = new HashMap<>();
                    walk(root, "", lines, Collections.newSetFromMap(new IdentityHashMap<>()));
                    docs.put(root.getStartMark().getLine() + 1, lines);
                }
            }
        } catch (RuntimeException e) {
            // keep what was composed before the problem; ManifestSet already reported it
        }
        return docs;
    }

    private static void walk(Node node, String pointer, Map<String, Integer> lines, Set<Node> seen) {
        if (!seen.add(node)) {
            return; // an alias: its fields were recorded where the anchor is
        }
        if (node instanceof MappingNode m) {
            List<NodeTuple> merges = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    if (Tag.MERGE.equals(key.getTag())) {
                        merges.add(t);
                        continue;
                    }
                    String child = pointer + "/" + escape(key.getValue());
                    lines.putIfAbsent(child, key.getStartMark().getLine() + 1);
                    walk(t.getValueNode(), child, lines, seen);
                }
            }
            // the keys a merge brings in are at the line of its <<: (the keys written here win)
            for (NodeTuple t : merges) {
                merged(t.getValueNode(), pointer, t.getKeyNode().getStartMark().getLine() + 1, lines, 0);
            }
        } else if (node instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                Node item = s.getValue().get(i);
                String child = pointer + "/" + i;
                lines.putIfAbsent(child, item.getStartMark().getLine() + 1);
                walk(item, child, lines, seen);
            }
        }
    }

    private static void merged(Node source, String pointer, int line, Map<String, Integer> lines, int depth) {
        if (depth > 10) {
            return;
        }
        if (source instanceof SequenceNode s) {
            s.getValue().forEach(n -> merged(n, pointer, line, lines, depth + 1));
        } else if (source instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    if (Tag.MERGE.equals(key.getTag())) {
                        merged(t.getValueNode(), pointer, line, lines, depth + 1);
                    } else {
                        lines.putIfAbsent(pointer + "/" + escape(key.getValue()), line);
                    }
                }
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
