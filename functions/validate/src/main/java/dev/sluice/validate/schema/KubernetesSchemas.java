package dev.sluice.validate.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * The API schema of every kind Sluice checks, read once from {@code schema/kubernetes.json} (generated from the
 * Kubernetes Java client and fabric8's Knative model, see the file's {@code $comment}). A kind's schema is
 * compiled the first time an object of that kind is seen.
 */
public final class KubernetesSchemas {
    public static final String RESOURCE = "schema/kubernetes.json";
    public static final String KIND_PREFIX = "kind:";
    /** The member of the schema document listing the kinds each Kubernetes group/version serves. */
    public static final String SERVED_KINDS = "servedKinds";
    private static final String IRI = "https://sluice.dev/schema/kubernetes.json";

    private final JsonNode document;
    private final SchemaRegistry registry;
    // "apps" + "Deployment" -> {"v1"}: to tell an unknown version of a known kind from an unknown kind
    private final Map<String, Set<String>> versionsByGroupKind = new TreeMap<>();
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    // "apps/v1" -> {"ControllerRevision", "DaemonSet", ...}: every kind a built-in group/version serves
    private final Map<String, Set<String>> served = new TreeMap<>();
    // "serving.knative.dev/v1" -> {"Configuration", ...}: the kinds the schema has at an apiVersion
    private final Map<String, Set<String>> kindsByApiVersion = new TreeMap<>();

    private KubernetesSchemas(String json) throws IOException {
        this.document = new ObjectMapper().readTree(json);
        // the validator is given the schema without servedKinds, which is no JSON Schema keyword
        ObjectNode schemaOnly = ((ObjectNode) document).deepCopy();
        schemaOnly.remove(SERVED_KINDS);
        String schemaJson = schemaOnly.toString();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemas(Map.of(IRI, schemaJson)));
        document.get("definitions").fieldNames().forEachRemaining(key -> {
            if (key.startsWith(KIND_PREFIX)) {
                String[] parts = key.split(":");
                String apiVersion = parts[1];
                int slash = apiVersion.indexOf('/');
                String group = slash < 0 ? "" : apiVersion.substring(0, slash);
                versionsByGroupKind.computeIfAbsent(group + "/" + parts[2], k -> new TreeSet<>())
                        .add(apiVersion.substring(slash + 1));
                kindsByApiVersion.computeIfAbsent(apiVersion, k -> new TreeSet<>()).add(parts[2]);
            }
        });
        document.path(SERVED_KINDS).fields().forEachRemaining(e -> {
            Set<String> kinds = new TreeSet<>();
            e.getValue().forEach(k -> kinds.add(k.asText()));
            served.put(e.getKey(), kinds);
        });
    }

    public static KubernetesSchemas get() {
        return Loaded.INSTANCE;
    }

    // loaded on first use, so the generator can use this class's constants before the file exists
    private static final class Loaded {
        static final KubernetesSchemas INSTANCE = load();
    }

    private static KubernetesSchemas load() {
        try (InputStream in = KubernetesSchemas.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new KubernetesSchemas(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String kindKey(String apiVersion, String kind) {
        return KIND_PREFIX + apiVersion + ":" + kind;
    }

    /** The schema of a kind at an apiVersion, or null when the schema does not know that pair. */
    public Schema schema(String apiVersion, String kind) {
        String key = kindKey(apiVersion, kind);
        if (!document.get("definitions").has(key)) {
            return null;
        }
        return compiled.computeIfAbsent(key,
                k -> registry.getSchema(SchemaLocation.of(IRI + "#/definitions/" + k.replace("~", "~0").replace("/", "~1"))));
    }

    /** The versions of a group that have this kind (empty when the schema does not know the kind in that group). */
    public Set<String> versions(String group, String kind) {
        return versionsByGroupKind.getOrDefault(group + "/" + kind, Set.of());
    }

    /**
     * Every kind a built-in Kubernetes group/version serves (those the schema has fields for and the rest), or
     * an empty set for an apiVersion that is not Kubernetes' own (a custom resource's, Knative's).
     */
    public Set<String> servedKinds(String apiVersion) {
        return served.getOrDefault(apiVersion, Set.of());
    }

    /** The kinds the schema has at an apiVersion. */
    public Set<String> kinds(String apiVersion) {
        return kindsByApiVersion.getOrDefault(apiVersion, Set.of());
    }

    /** A definition of the document by its JSON pointer inside the document ("/definitions/V1Container"). */
    public JsonNode at(String pointer) {
        return document.at(pointer);
    }

    public int kindCount() {
        return (int) versionsByGroupKind.values().stream().mapToLong(Set::size).sum();
    }

    /** Where the schema comes from, as its generator wrote it. */
    public String provenance() {
        return document.path("$comment").asText();
    }
}
