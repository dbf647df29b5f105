package dev.sluice.local.knative;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the Kubernetes objects of the knative/ YAML files: every document of every {@code *.yaml} /
 * {@code *.yml} file of a folder, or of the copy of knative/ the build packs into the jar.
 */
public final class KnativeFiles {
    /** Where the build copies ../knative/*.yaml inside the jar; broker.yaml anchors the folder. */
    public static final String CLASSPATH_FOLDER = "knative";
    private static final String ANCHOR = CLASSPATH_FOLDER + "/broker.yaml";
    /** What to read when the class loader cannot list the packed folder. */
    private static final List<String> KNOWN_FILES = List.of("broker.yaml", "triggers.yaml", "ping.yaml");

    private static final ObjectReader YAML = new YAMLMapper().readerFor(JsonNode.class);

    private KnativeFiles() {
    }

    /** One object with the file it came from, for error messages. */
    public record KnativeObject(String file, JsonNode content) {
        public String kind() {
            return content.path("kind").asText();
        }

        public String name() {
            return content.path("metadata").path("name").asText();
        }
    }

    public static List<KnativeObject> readFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("knative folder " + folder.toAbsolutePath() + " does not exist");
        }
        List<KnativeObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(KnativeFiles::isYaml).sorted().toList()) {
                objects.addAll(parse(file.getFileName().toString(), Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
        return objects;
    }

    /** The knative/ files packed into the jar (or target/classes when run from the build). */
    public static List<KnativeObject> readPacked() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL anchor = loader.getResource(ANCHOR);
        if (anchor == null) {
            throw new IllegalStateException(ANCHOR + " is not on the classpath: build local/ with Maven, or set sluice.local.knative-dir");
        }
        try {
            URI uri = anchor.toURI();
            if ("file".equals(uri.getScheme())) {
                return readFolder(Path.of(uri).getParent());
            }
            if ("jar".equals(uri.getScheme())) {
                return readFolderInJar(uri);
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the files we know by name
        }
        List<KnativeObject> objects = new ArrayList<>();
        for (String name : KNOWN_FILES) {
            try (InputStream in = loader.getResourceAsStream(CLASSPATH_FOLDER + "/" + name)) {
                if (in != null) {
                    objects.addAll(parse(name, in.readAllBytes()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    private static List<KnativeObject> readFolderInJar(URI uri) {
        FileSystem fs;
        boolean opened = false;
        try {
            fs = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return readFolder(fs.getPath("/" + CLASSPATH_FOLDER));
        } finally {
            if (opened) {
                try {
                    fs.close();
                } catch (IOException ignored) {
                    // read-only view of the jar
                }
            }
        }
    }

    /** Every object of a (multi-document) YAML file; empty documents are skipped, a broken one names its line. */
    public static List<KnativeObject> parse(String file, byte[] yaml) {
        List<KnativeObject> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readValues(yaml)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalStateException(file + ": a document is not a YAML mapping: " + doc);
                }
                objects.add(new KnativeObject(file, doc));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(file + ": line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file, e);
        }
        return objects;
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
    }
}
