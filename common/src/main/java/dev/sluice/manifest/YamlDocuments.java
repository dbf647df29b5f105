package dev.sluice.manifest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The documents of one YAML file as JSON trees, the way kubectl reads them: SnakeYAML composes the node graph
 * (under {@link ManifestSet#loaderOptions()}), then each document is turned into a Jackson tree with every alias
 * and {@code <<} merge key expanded into a copy. Expansion is bounded: the copies of one file may hold at most
 * {@link ManifestSet#MAX_ALIAS_NODES} nodes and no tree may nest deeper than {@link ManifestSet#MAX_DEPTH}, so an
 * alias bomb is refused at the line where it passes the limit. Duplicate keys are refused too (SnakeYAML's
 * composer does not check them; its constructor, which this does not use, would).
 */
final class YamlDocuments {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Why a document was refused, and the line. */
    private static final class Refused extends RuntimeException {
        final int line;

        Refused(Mark at, String message) {
            super(message, null, false, false);
            this.line = at == null ? 1 : at.getLine() + 1;
        }
    }

    private final String file;
    // per document: what each composed collection became, for the copies its aliases get
    private final Map<Node, JsonNode> converted = new IdentityHashMap<>();
    private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private int copiedNodes;

    private YamlDocuments(String file) {
        this.file = file;
    }

    static List<ManifestDocument> read(String file, String text, Consumer<Node> composed) {
        return new YamlDocuments(file).read(text, composed);
    }

    private List<ManifestDocument> read(String text, Consumer<Node> composed) {
        List<ManifestDocument> docs = new ArrayList<>();
        LoaderOptions options = ManifestSet.loaderOptions();
        StreamReader reader = new StreamReader(text);
        Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);
        int index = 0;
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                int line = root.getStartMark().getLine() + 1;
                if (root instanceof ScalarNode s && Tag.NULL.equals(s.getTag())) {
                    continue; // an empty document, or one of comments only
                }
                if (!(root instanceof MappingNode)) {
                    docs.add(new ManifestDocument(file, line, index++, null, "document is not a mapping (an object)"));
                    continue;
                }
                if (composed != null) {
                    composed.accept(root);
                }
                int copiedBefore = copiedNodes;
                try {
                    docs.add(new ManifestDocument(file, line, index, convert(root, null, 1), null));
                } catch (Refused r) {
                    copiedNodes = copiedBefore; // its copies are garbage now; the next document gets the budget back
                    docs.add(new ManifestDocument(file, r.line, index, null, r.getMessage()));
                } finally {
                    converted.clear();
                    open.clear();
                }
                index++;
            }
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + (e.getContextMark() == null ? "" : " at line " + (e.getContextMark().getLine() + 1)) + ")";
            docs.add(new ManifestDocument(file, at == null ? 1 : at.getLine() + 1, index, null,
                    "does not parse: " + firstLine(e.getProblem()) + context));
        } catch (YAMLException e) {
            // the composer's limits (aliases, nesting, size) carry no mark: the reader is where it stopped
            docs.add(new ManifestDocument(file, reader.getMark().getLine() + 1, index, null, limitMessage(e)));
        } catch (RuntimeException e) {
            docs.add(new ManifestDocument(file, reader.getMark().getLine() + 1, index, null, "cannot be read: " + e));
        }
        return docs;
    }

    private static String limitMessage(YAMLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("Number of aliases")) {
            return "refused: more than " + ManifestSet.MAX_ALIASES + " aliases to mappings or lists in one file (an alias bomb?)";
        }
        if (m.startsWith("Nesting Depth")) {
            return "refused: nested deeper than " + ManifestSet.MAX_DEPTH + " levels";
        }
        return "does not parse: " + firstLine(m);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    /**
     * The JSON tree of a composed node. {@code at} is where the reference to it is written (the key of a value,
     * the list holding an item), the line a refusal names when the node itself is an anchor elsewhere.
     */
    private JsonNode convert(Node node, Mark at, int depth) {
        if (node instanceof ScalarNode s) {
            return scalar(s);
        }
        Mark where = at == null ? node.getStartMark() : at;
        if (depth > ManifestSet.MAX_DEPTH) {
            throw new Refused(where, "refused: nested deeper than " + ManifestSet.MAX_DEPTH + " levels");
        }
        JsonNode done = converted.get(node);
        if (done != null) {
            charge(done, depth, where);
            return done.deepCopy();
        }
        if (!open.add(node)) {
            throw new Refused(where, "refused: the alias *" + node.getAnchor() + " is used inside its own anchor (a recursive alias)");
        }
        JsonNode result;
        if (node instanceof SequenceNode seq) {
            ArrayNode array = NODES.arrayNode(seq.getValue().size());
            for (Node item : seq.getValue()) {
                boolean alias = converted.containsKey(item) || open.contains(item);
                array.add(convert(item, alias ? where : null, depth + 1));
            }
            result = array;
        } else {
            result = mapping((MappingNode) node, depth);
        }
        open.remove(node);
        if (node.getAnchor() != null) {
            converted.put(node, result);
        }
        return result;
    }

    private ObjectNode mapping(MappingNode m, int depth) {
        ObjectNode object = NODES.objectNode();
        Map<String, Mark> written = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new Refused(t.getKeyNode().getStartMark(), "refused: a key that is a " + t.getKeyNode().getNodeId()
                        + ", not a plain value (JSON keys are strings)");
            }
            if (Tag.MERGE.equals(key.getTag())) {
                merge(object, written, t.getValueNode(), key.getStartMark(), depth);
                continue;
            }
            Mark first = written.putIfAbsent(key.getValue(), key.getStartMark());
            if (first != null) {
                throw new Refused(key.getStartMark(), "refused: duplicate key '" + key.getValue() + "' (first at line "
                        + (first.getLine() + 1) + "); kubectl would keep only one of them");
            }
            object.set(key.getValue(), convert(t.getValueNode(), key.getStartMark(), depth + 1));
        }
        return object;
    }

    /** {@code <<: *base} or {@code <<: [*a, *b]}: the keys written here win, then the earlier mappings. */
    private void merge(ObjectNode into, Map<String, Mark> written, Node value, Mark at, int depth) {
        List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        for (Node source : sources) {
            if (!(source instanceof MappingNode)) {
                throw new Refused(at, "refused: the merge key << takes a mapping or a list of mappings, not a "
                        + source.getNodeId());
            }
            JsonNode merged = convert(source, at, depth);
            for (Iterator<Map.Entry<String, JsonNode>> it = merged.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!written.containsKey(e.getKey()) && !into.has(e.getKey())) {
                    into.set(e.getKey(), e.getValue());
                }
            }
        }
        // keys written after the merge key still override what it brought
    }

    /** Counts a copy of {@code tree} against the file's limit: refused once the copies pass it or nest too deep. */
    private void charge(JsonNode tree, int depth, Mark at) {
        if (depth > ManifestSet.MAX_DEPTH) {
            throw new Refused(at, "refused: aliases nest deeper than " + ManifestSet.MAX_DEPTH + " levels");
        }
        if (++copiedNodes > ManifestSet.MAX_ALIAS_NODES) {
            throw new Refused(at, "refused: aliases expand to more than " + ManifestSet.MAX_ALIAS_NODES
                    + " copied nodes in one file (an alias bomb?)");
        }
        for (JsonNode child : tree) {
            if (child.isContainerNode()) {
                charge(child, depth + 1, at);
            } else if (++copiedNodes > ManifestSet.MAX_ALIAS_NODES) {
                throw new Refused(at, "refused: aliases expand to more than " + ManifestSet.MAX_ALIAS_NODES
                        + " copied nodes in one file (an alias bomb?)");
            }
        }
    }

    /** A scalar as the YAML 1.1 type its tag resolved to (what kubectl's YAML reader also does for these). */
    private static JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (Tag.STR.equals(tag)) {
            return NODES.textNode(v);
        }
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            switch (v.toLowerCase()) {
                case "true", "yes", "on" -> {
                    return NODES.booleanNode(true);
                }
                case "false", "no", "off" -> {
                    return NODES.booleanNode(false);
                }
                default -> {
                    return NODES.textNode(v);
                }
            }
        }
        if (Tag.INT.equals(tag)) {
            JsonNode n = integer(v);
            return n == null ? NODES.textNode(v) : n;
        }
        if (Tag.FLOAT.equals(tag)) {
            JsonNode n = floating(v);
            return n == null ? NODES.textNode(v) : n;
        }
        return NODES.textNode(v); // timestamps and other tags stay text, as they were written
    }

    /** 0x hex, 0b binary, a leading 0 for octal (0644), underscores ignored; 1:20 (base 60) stays text. */
    private static JsonNode integer(String written) {
        String v = written.replace("_", "");
        boolean negative = v.startsWith("-");
        String digits = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        int radix = 10;
        if (digits.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        try {
            BigInteger b = new BigInteger(digits, radix);
            if (negative) {
                b = b.negate();
            }
            if (b.bitLength() < 32) {
                return NODES.numberNode(b.intValue());
            }
            if (b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0) {
                return NODES.numberNode(b.longValue());
            }
            return NODES.numberNode(b);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode floating(String written) {
        String v = written.replace("_", "");
        switch (v.toLowerCase()) {
            case ".inf", "+.inf" -> {
                return NODES.numberNode(Double.POSITIVE_INFINITY);
            }
            case "-.inf" -> {
                return NODES.numberNode(Double.NEGATIVE_INFINITY);
            }
            case ".nan" -> {
                return NODES.numberNode(Double.NaN);
            }
            default -> {
                if (v.contains(":")) {
                    return null;
                }
                try {
                    return NODES.numberNode(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
    }
}
