package dev.sluice.manifest;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jgit.lib.Repository;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.Node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.FileTooLargeException;

/**
 * The Kubernetes manifests of a repository at a commit: every .yaml, .yml and .json file under the
 * configured paths (folders end with '/', else a file or a glob), each split into its documents with the
 * line each starts on. YAML is composed by SnakeYAML and turned into JSON trees with aliases and merge keys
 * expanded, as kubectl reads it ({@link YamlDocuments}); JSON is read by Jackson. Parsing is bounded: file
 * size (checked before a file is loaded from git), aliases, their expansion and nesting are capped, and a
 * duplicate key is refused, so a hostile file becomes an error document naming its line, never an
 * out-of-memory.
 */
public final class ManifestSet {
    private ManifestSet() {
    }

    public static final int MAX_FILE_BYTES = 2 * 1024 * 1024;
    /** Aliases to a mapping or list in one file (SnakeYAML's composer counts them). */
    public static final int MAX_ALIASES = 1_000;
    /** Nodes the copies of aliases and merge keys may add to one file's documents. */
    public static final int MAX_ALIAS_NODES = 100_000;
    /** Nesting of mappings and lists, aliases expanded. */
    public static final int MAX_DEPTH = 100;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());

    /** SnakeYAML's limits for manifests; validate's field lines compose files again under the same ones. */
    public static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_BYTES);
        options.setAllowDuplicateKeys(false);
        options.setProcessComments(false);
        return options;
    }

    /** The manifest file paths at {@code sha} that the given path entries select, in tree order. */
    public static List<String> files(Repository repo, String sha, List<String> paths) {
        List<String> selected = new ArrayList<>();
        for (String file : GitRepositories.listFiles(repo, sha)) {
            if (isManifestFile(file) && selectedBy(file, paths)) {
                selected.add(file);
            }
        }
        return selected;
    }

    /** Reads every document of every selected manifest file. */
    public static List<ManifestDocument> read(Repository repo, String sha, List<String> paths) {
        List<ManifestDocument> docs = new ArrayList<>();
        for (String file : files(repo, sha, paths)) {
            try {
                docs.addAll(parse(file, GitRepositories.readFile(repo, sha, file, MAX_FILE_BYTES).orElse(new byte[0])));
            } catch (FileTooLargeException e) {
                docs.add(tooLarge(file, e.size()));
            }
        }
        return docs;
    }

    /** The error document of a file over {@link #MAX_FILE_BYTES}. */
    public static ManifestDocument tooLarge(String file, long size) {
        return new ManifestDocument(file, 1, 0, null, "file is " + size + " bytes, over the limit of " + MAX_FILE_BYTES);
    }

    public static boolean isJson(String file) {
        return file.toLowerCase().endsWith(".json");
    }

    public static boolean isManifestFile(String file) {
        String f = file.toLowerCase();
        return f.endsWith(".yaml") || f.endsWith(".yml") || f.endsWith(".json");
    }

    /** Whether a path entry of .sluice.yaml (a folder ending in '/', a file, or a glob) selects {@code file}. */
    public static boolean selectedBy(String file, List<String> paths) {
        for (String p : paths) {
            String entry = p.startsWith("./") ? p.substring(2) : p;
            if (entry.endsWith("/") ? file.startsWith(entry) : file.equals(entry) || globMatches(entry, file)) {
                return true;
            }
        }
        return false;
    }

    private static boolean globMatches(String glob, String file) {
        if (!glob.contains("*") && !glob.contains("?")) {
            return false;
        }
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(file));
    }

    /** Splits one file into its documents; an unreadable part becomes an error document naming the line. */
    public static List<ManifestDocument> parse(String file, byte[] bytes) {
        return parse(file, bytes, null);
    }

    /**
     * As {@link #parse(String, byte[])}, handing each mapping document SnakeYAML composed of a YAML file to
     * {@code composed} (its nodes carry the line of every field), so a caller wanting field lines need not
     * compose the file a second time. JSON files hand over nothing.
     */
    public static List<ManifestDocument> parse(String file, byte[] bytes, Consumer<Node> composed) {
        if (bytes.length > MAX_FILE_BYTES) {
            return List.of(tooLarge(file, bytes.length));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return List.of(new ManifestDocument(file, 1, 0, null, "file is not valid UTF-8"));
        }
        return isJson(file) ? json(file, text) : YamlDocuments.read(file, text, composed);
    }

    /** One or more JSON values; duplicate keys and deep nesting are refused. */
    private static List<ManifestDocument> json(String file, String text) {
        List<ManifestDocument> docs = new ArrayList<>();
        int index = 0;
        try (JsonParser parser = JSON.createParser(text);
                MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(parser)) {
            while (it.hasNextValue()) {
                JsonLocation at = parser.currentTokenLocation();
                int line = at == null ? 1 : Math.max(1, at.getLineNr());
                JsonNode node = it.nextValue();
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!node.isObject()) {
                    docs.add(new ManifestDocument(file, line, index++, null, "document is not a mapping (an object)"));
                    continue;
                }
                docs.add(new ManifestDocument(file, line, index++, node, null));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            docs.add(new ManifestDocument(file, at == null ? 1 : Math.max(1, at.getLineNr()), index, null,
                    "does not parse: " + (nl > 0 ? msg.substring(0, nl) : msg)));
        } catch (IOException | RuntimeException e) {
            docs.add(new ManifestDocument(file, 1, index, null, "cannot be read: " + e.getMessage()));
        }
        return docs;
    }
}
