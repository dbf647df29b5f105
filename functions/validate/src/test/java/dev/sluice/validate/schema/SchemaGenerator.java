package dev.sluice.validate.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.annotations.SerializedName;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Writes {@code schema/kubernetes.json}: a JSON Schema (draft-07) for every kind Sluice checks, derived from
 * two maintained models on Maven Central rather than typed by hand. Kubernetes kinds come from the official
 * Kubernetes Java client ({@code io.kubernetes:client-java-api}), whose classes carry the OpenAPI field names,
 * types and required fields of the API server they were generated from; Knative kinds come from fabric8's
 * {@code knative-model}, generated from Knative's Go types (field names and types, no required fields).
 * {@code SchemaGeneratorTest} fails when the committed file differs from what these models say.
 */
public final class SchemaGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CLIENT_MODELS = "io.kubernetes.client.openapi.models.";

    /** The Kubernetes kinds checked, by apiVersion; the client class is the version prefix plus the kind. */
    static final Map<String, List<String>> KUBERNETES_KINDS = new TreeMap<>(Map.ofEntries(
            Map.entry("v1", List.of("ConfigMap", "Endpoints", "LimitRange", "Namespace", "PersistentVolume",
                    "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret",
                    "Service", "ServiceAccount")),
            Map.entry("apps/v1", List.of("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet")),
            Map.entry("batch/v1", List.of("CronJob", "Job")),
            Map.entry("autoscaling/v1", List.of("HorizontalPodAutoscaler")),
            Map.entry("autoscaling/v2", List.of("HorizontalPodAutoscaler")),
            Map.entry("networking.k8s.io/v1", List.of("Ingress", "IngressClass", "NetworkPolicy")),
            Map.entry("policy/v1", List.of("PodDisruptionBudget")),
            Map.entry("rbac.authorization.k8s.io/v1", List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")),
            Map.entry("storage.k8s.io/v1", List.of("StorageClass")),
            Map.entry("scheduling.k8s.io/v1", List.of("PriorityClass")),
            Map.entry("discovery.k8s.io/v1", List.of("EndpointSlice")),
            Map.entry("apiextensions.k8s.io/v1", List.of("CustomResourceDefinition")),
            Map.entry("admissionregistration.k8s.io/v1", List.of("MutatingWebhookConfiguration",
                    "ValidatingWebhookConfiguration"))));

    /** The Knative packages whose top-level kinds are checked (fabric8 classes carry @Group and @Version). */
    static final List<String> KNATIVE_KINDS = List.of(
            "io.fabric8.knative.serving.v1.Service", "io.fabric8.knative.serving.v1.Configuration",
            "io.fabric8.knative.serving.v1.Route", "io.fabric8.knative.serving.v1.Revision",
            "io.fabric8.knative.eventing.v1.Broker", "io.fabric8.knative.eventing.v1.Trigger",
            "io.fabric8.knative.sources.v1.ApiServerSource", "io.fabric8.knative.sources.v1.ContainerSource",
            "io.fabric8.knative.sources.v1.PingSource", "io.fabric8.knative.sources.v1.SinkBinding",
            "io.fabric8.knative.messaging.v1.Channel", "io.fabric8.knative.messaging.v1.InMemoryChannel",
            "io.fabric8.knative.messaging.v1.Subscription", "io.fabric8.knative.flows.v1.Sequence",
            "io.fabric8.knative.flows.v1.Parallel");

    private final Map<String, ObjectNode> definitions = new TreeMap<>();
    private final Set<String> inProgress = new TreeSet<>();

    public static void main(String[] args) throws Exception {
        java.nio.file.Path out = java.nio.file.Path.of(args.length > 0 ? args[0]
                : "src/main/resources/" + KubernetesSchemas.RESOURCE);
        java.nio.file.Files.writeString(out, render(generate()));
        System.out.println("wrote " + out);
    }

    /** Compact JSON with one definition per line, so a regeneration shows up in a diff as the types that changed. */
    public static String render(JsonNode schema) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder out = new StringBuilder("{\n");
        var top = schema.fields();
        while (top.hasNext()) {
            var e = top.next();
            if (!e.getKey().equals("definitions")) {
                out.append(json.writeValueAsString(e.getKey())).append(": ").append(json.writeValueAsString(e.getValue())).append(",\n");
            }
        }
        out.append("\"definitions\": {\n");
        var defs = schema.get("definitions").fields();
        while (defs.hasNext()) {
            var e = defs.next();
            out.append(json.writeValueAsString(e.getKey())).append(": ").append(json.writeValueAsString(e.getValue()))
                    .append(defs.hasNext() ? ",\n" : "\n");
        }
        return out.append("}\n}\n").toString();
    }

    public static ObjectNode generate() throws ClassNotFoundException {
        SchemaGenerator g = new SchemaGenerator();
        ObjectNode kinds = NODES.objectNode();
        for (var e : KUBERNETES_KINDS.entrySet()) {
            String apiVersion = e.getKey();
            String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
            for (String kind : e.getValue()) {
                Class<?> type = Class.forName(CLIENT_MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind);
                kinds.put(KubernetesSchemas.kindKey(apiVersion, kind), g.topLevel(type, apiVersion, kind));
            }
        }
        for (String name : KNATIVE_KINDS) {
            Class<?> type = Class.forName(name);
            String apiVersion = type.getAnnotation(Group.class).value() + "/" + type.getAnnotation(Version.class).value();
            kinds.put(KubernetesSchemas.kindKey(apiVersion, type.getSimpleName()), g.topLevel(type, apiVersion, type.getSimpleName()));
        }
        ObjectNode root = NODES.objectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("$comment", "Generated by dev.sluice.validate.schema.SchemaGenerator (test sources) from Maven Central's "
                + "io.kubernetes:client-java-api:" + mavenVersion("io.kubernetes", "client-java-api")
                + " (Kubernetes API, Apache-2.0) and io.fabric8:knative-model:" + mavenVersion("io.fabric8", "knative-model")
                + " (Knative API, Apache-2.0); " + KubernetesSchemas.SERVED_KINDS + ": the kinds each Kubernetes group/version"
                + " of that client can create. Do not edit: regenerate with SchemaGeneratorTest.");
        ObjectNode served = root.putObject(KubernetesSchemas.SERVED_KINDS);
        servedKinds().forEach((apiVersion, names) -> names.forEach(served.withArray(apiVersion)::add));
        ObjectNode defs = root.putObject("definitions");
        // top-level kinds first, under "kind:<apiVersion>:<Kind>", then the types they use
        kinds.fields().forEachRemaining(k -> defs.set(k.getKey(), k.getValue()));
        g.definitions.forEach(defs::set);
        return root;
    }

    private static final Pattern API_PATH = Pattern.compile("^/(?:api/(v1)|apis/([^/{}]+)/([^/{}]+))/");
    private static final Pattern CREATE = Pattern.compile("^create(?:Namespaced)?([A-Z][A-Za-z0-9]*)$");
    private static final Pattern MODEL = Pattern.compile("io/kubernetes/client/openapi/models/([A-Za-z0-9]+);");
    private static final Pattern MODEL_KIND = Pattern.compile("^(?:[A-Z][a-z0-9]*)*?V\\d+(?:(?:alpha|beta)\\d+)?([A-Z][A-Za-z0-9]*)$");

    /**
     * The kinds every Kubernetes group/version of the client serves, by apiVersion: one API class per
     * group/version ({@code AppsV1Api}), whose request paths name the group/version and whose create operations
     * name the kinds ({@code createNamespacedDeployment(String, V1Deployment)}). Read from the class files' constant
     * pools: the API classes need OkHttp to load, which the schema's test scope leaves out. A create of a
     * subresource ({@code createNamespacedPodBinding} takes a V1Binding) names no kind of its own and is left out.
     */
    static Map<String, Set<String>> servedKinds() {
        Map<String, Set<String>> served = new TreeMap<>();
        String anchor = "io/kubernetes/client/openapi/apis/CoreV1Api.class";
        java.net.URL url = SchemaGenerator.class.getClassLoader().getResource(anchor);
        if (url == null || !url.getProtocol().equals("jar")) {
            throw new IllegalStateException(anchor + " not found in a jar");
        }
        String jar = url.getPath().substring("file:".length(), url.getPath().indexOf("!/"));
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(java.net.URLDecoder.decode(jar, java.nio.charset.StandardCharsets.UTF_8))) {
            for (var entries = file.entries(); entries.hasMoreElements();) {
                var entry = entries.nextElement();
                String name = entry.getName();
                if (!name.startsWith("io/kubernetes/client/openapi/apis/") || !name.endsWith("Api.class") || name.contains("$")) {
                    continue;
                }
                Set<String> apiVersions = new TreeSet<>();
                Set<String> created = new TreeSet<>();
                Set<String> models = new TreeSet<>();
                try (var in = file.getInputStream(entry)) {
                    for (String constant : utf8Constants(in.readAllBytes())) {
                        Matcher path = API_PATH.matcher(constant);
                        if (path.find()) {
                            apiVersions.add(path.group(1) != null ? path.group(1) : path.group(2) + "/" + path.group(3));
                        }
                        Matcher create = CREATE.matcher(constant);
                        if (create.matches() && !create.group(1).matches(".*(Call|Async|WithHttpInfo)$")) {
                            created.add(create.group(1));
                        }
                        for (Matcher model = MODEL.matcher(constant); model.find();) {
                            Matcher kind = MODEL_KIND.matcher(model.group(1));
                            if (kind.matches()) {
                                models.add(kind.group(1));
                            }
                        }
                    }
                }
                created.retainAll(models);
                if (apiVersions.size() == 1 && !created.isEmpty()) {
                    served.computeIfAbsent(apiVersions.iterator().next(), k -> new TreeSet<>()).addAll(created);
                } else if (apiVersions.size() > 1) {
                    throw new IllegalStateException(name + " serves more than one group/version: " + apiVersions);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return served;
    }

    /** The UTF-8 entries of a class file's constant pool (JVM spec 4.4). */
    static List<String> utf8Constants(byte[] classFile) throws java.io.IOException {
        var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IllegalStateException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        List<String> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF());
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or double takes two entries
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                default -> throw new IllegalStateException("unknown constant pool tag " + tag);
            }
        }
        return strings;
    }

    /** The version of a jar on the classpath, from the pom.properties Maven puts in it. */
    private static String mavenVersion(String groupId, String artifactId) {
        String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (var in = SchemaGenerator.class.getClassLoader().getResourceAsStream(resource)) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (Exception e) {
            throw new IllegalStateException(resource + " not found", e);
        }
    }

    private ObjectNode topLevel(Class<?> type, String apiVersion, String kind) {
        ObjectNode schema = objectSchema(type);
        ObjectNode props = (ObjectNode) schema.get("properties");
        props.putObject("apiVersion").put("type", "string").put("const", apiVersion);
        props.putObject("kind").put("type", "string").put("const", kind);
        // status is written by the cluster; a manifest may carry any, the API server drops it
        if (props.has("status")) {
            props.putObject("status");
        }
        return schema;
    }

    private ObjectNode objectSchema(Class<?> type) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        Map<String, Type> fields = new TreeMap<>();
        Set<String> required = new TreeSet<>();
        if (type.getName().startsWith(CLIENT_MODELS)) {
            clientFields(type, fields, required);
        } else {
            fabric8Fields(type, fields);
        }
        fields.forEach((name, fieldType) -> props.set(name, schemaOf(fieldType)));
        if (!required.isEmpty()) {
            ArrayNode r = schema.putArray("required");
            required.forEach(r::add);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    @SuppressWarnings("unchecked")
    private static void clientFields(Class<?> type, Map<String, Type> fields, Set<String> required) {
        try {
            Collection<String> known = (Collection<String>) type.getField("openapiFields").get(null);
            Collection<String> req = (Collection<String>) type.getField("openapiRequiredFields").get(null);
            for (Field f : type.getDeclaredFields()) {
                SerializedName name = f.getAnnotation(SerializedName.class);
                if (name != null && !Modifier.isStatic(f.getModifiers()) && known.contains(name.value())) {
                    fields.put(name.value(), f.getGenericType());
                }
            }
            required.addAll(req);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " is not a generated client model", e);
        }
    }

    private static void fabric8Fields(Class<?> type, Map<String, Type> fields) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p != null && !Modifier.isStatic(f.getModifiers()) && !p.value().isEmpty()) {
                    fields.putIfAbsent(p.value(), f.getGenericType());
                }
            }
        }
    }

    private JsonNode schemaOf(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                ObjectNode s = NODES.objectNode().put("type", "array");
                s.set("items", schemaOf(args[0]));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode s = NODES.objectNode().put("type", "object");
                s.set("additionalProperties", schemaOf(args[1]));
                return s;
            }
            return NODES.objectNode();
        }
        if (!(type instanceof Class<?> c)) {
            return NODES.objectNode();
        }
        String name = c.getName();
        if (c == String.class || c == byte[].class || name.equals("java.time.OffsetDateTime")
                || name.equals("io.fabric8.kubernetes.api.model.Duration") || c.isEnum()) {
            return NODES.objectNode().put("type", "string");
        }
        if (c == Integer.class || c == Long.class || c == int.class || c == long.class || c == Short.class) {
            return NODES.objectNode().put("type", "integer");
        }
        if (Number.class.isAssignableFrom(c) || c == double.class || c == float.class) {
            return NODES.objectNode().put("type", "number");
        }
        if (c == Boolean.class || c == boolean.class) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (c.getSimpleName().equals("IntOrString")) {
            return types("integer", "string");
        }
        if (c.getSimpleName().equals("Quantity")) {
            return types("string", "number");
        }
        if (List.class.isAssignableFrom(c) || c.isArray()) {
            return NODES.objectNode().put("type", "array");
        }
        if (Map.class.isAssignableFrom(c)) {
            return NODES.objectNode().put("type", "object");
        }
        if (isModel(c)) {
            String key = definitionName(c);
            if (!definitions.containsKey(key) && inProgress.add(key)) {
                ObjectNode def = objectSchema(c);
                definitions.put(key, def);
                inProgress.remove(key);
            }
            return NODES.objectNode().put("$ref", "#/definitions/" + key);
        }
        // Object, JsonNode, RawExtension, interfaces: free-form JSON
        return NODES.objectNode();
    }

    private static boolean isModel(Class<?> c) {
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            return false;
        }
        if (c.getName().startsWith(CLIENT_MODELS)) {
            try {
                c.getField("openapiFields");
                return true;
            } catch (NoSuchFieldException e) {
                return false;
            }
        }
        if (c.getName().startsWith("io.fabric8.")) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getAnnotation(JsonProperty.class) != null) {
                    return !c.getSimpleName().equals("AnyType") && !c.getSimpleName().equals("RawExtension");
                }
            }
        }
        return false;
    }

    private static String definitionName(Class<?> c) {
        return c.getName().startsWith(CLIENT_MODELS) ? c.getSimpleName() : c.getName();
    }

    private static ObjectNode types(String... types) {
        ObjectNode s = NODES.objectNode();
        ArrayNode t = s.putArray("type");
        for (String type : types) {
            t.add(type);
        }
        return s;
    }

    static List<String> kindKeys(JsonNode schema) {
        List<String> keys = new ArrayList<>();
        schema.get("definitions").fieldNames().forEachRemaining(k -> {
            if (k.startsWith(KubernetesSchemas.KIND_PREFIX)) {
                keys.add(k);
            }
        });
        return keys;
    }
}
