package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;

import dev.sluice.validate.Category;
import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;
import dev.sluice.validate.schema.DeprecatedApis;
import dev.sluice.validate.schema.KubernetesSchemas;
import dev.sluice.validate.schema.NearestName;

/**
 * Checks each object against the API schema of its apiVersion and kind: unknown fields (kubectl's strict field
 * validation refuses them), wrong types and missing required fields. A known kind at a version the schema does
 * not have is an error naming the versions that exist; a kind a built-in group/version does not serve at all
 * ({@code apps/v1 Deploymnet}) is an error naming the kinds it serves, with a "did you mean"; removed versions
 * are {@code deprecated-api}'s.
 */
@ApplicationScoped
public class SchemaRule implements ObjectRule {
    public static final String ID = "schema";
    /** Past this many schema errors in one object the rest are summed up: the first ones tell what is wrong. */
    static final int MAX_PER_OBJECT = 10;

    private final KubernetesSchemas schemas = KubernetesSchemas.get();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "An object the API server would refuse: unknown field, wrong type, missing required field, a version that does not have the kind, or a kind a Kubernetes group/version does not serve.";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public Category category() {
        return Category.SCHEMA;
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (DeprecatedApis.of(object.apiVersion(), object.kind()) != null) {
            return List.of();
        }
        Schema schema = schemas.schema(object.apiVersion(), object.kind());
        if (schema == null) {
            Set<String> versions = schemas.versions(object.group(), object.kind());
            if (versions.isEmpty()) {
                return unknownBuiltInKind(object); // else not a kind the schema knows: unknown-kind says so
            }
            String group = object.group().isEmpty() ? "" : object.group() + "/";
            return List.of(finding(object, "/apiVersion", object.label() + ": " + object.apiVersion() + " does not serve "
                    + object.kind() + "; it is served at " + String.join(", ", versions.stream().map(v -> group + v).toList()),
                    "set apiVersion: " + group + versions.iterator().next()));
        }
        List<ManifestFinding> findings = new ArrayList<>();
        List<Error> errors = schema.validate(withoutNulls(object.content()));
        Set<String> seen = new HashSet<>();
        for (Error e : errors) {
            if (findings.size() == MAX_PER_OBJECT) {
                findings.add(finding(object, object.label() + " has " + (errors.size() - MAX_PER_OBJECT)
                        + " more schema errors", "fix the errors above and validate again"));
                break;
            }
            ManifestFinding f = toFinding(object, e);
            if (seen.add(f.path() + f.message())) {
                findings.add(f);
            }
        }
        return findings;
    }

    /** A kind that a Kubernetes group/version does not serve ({@code apps/v1 Deploymnet}): the API server refuses it. */
    private List<ManifestFinding> unknownBuiltInKind(ManifestObject object) {
        Set<String> served = schemas.servedKinds(object.apiVersion());
        if (served.isEmpty() || served.contains(object.kind())) {
            return List.of();
        }
        String guess = NearestName.of(object.kind(), served);
        return List.of(finding(object, "/kind", object.label() + ": " + object.apiVersion() + " has no kind " + object.kind()
                + (guess == null ? "" : " (did you mean " + guess + "?)") + "; it serves " + String.join(", ", served),
                guess == null ? "set kind to one of the kinds " + object.apiVersion() + " serves, or the apiVersion of the kind you meant"
                        : "set kind: " + guess));
    }

    private ManifestFinding toFinding(ManifestObject object, Error e) {
        String at = pointer(e.getInstanceLocation());
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        switch (keyword) {
            case "additionalProperties" -> {
                String field = at + "/" + escape(e.getProperty());
                String guess = NearestName.of(e.getProperty(), knownFields(e));
                return finding(object, field, object.label() + ": unknown field " + ManifestObject.path(field)
                        + (guess == null ? "" : " (did you mean " + guess + "?)"),
                        guess == null ? "remove it: the API server refuses fields its schema does not have"
                                : "rename it to " + guess);
            }
            case "required" -> {
                String field = at + "/" + escape(e.getProperty());
                return finding(object, at, object.label() + ": " + ManifestObject.path(field) + " is required",
                        "add " + e.getProperty() + (at.isEmpty() ? "" : " under " + ManifestObject.path(at)));
            }
            case "type" -> {
                JsonNode expected = e.getSchemaNode();
                return finding(object, at, object.label() + ": " + ManifestObject.path(at) + " must be "
                        + typeName(expected) + ", not " + jsonType(e.getInstanceNode()) + describe(e.getInstanceNode()),
                        "write it as " + typeName(expected) + (expected != null && expected.toString().contains("string")
                                ? " (quote numbers and booleans meant as text)" : ""));
            }
            default -> {
                return finding(object, at, object.label() + ": " + (at.isEmpty() ? "" : ManifestObject.path(at) + ": ")
                        + e.getMessage().replaceFirst("^\\S+: ", ""), "make the field match the API schema");
            }
        }
    }

    /** The property names of the schema whose additionalProperties refused a field, for "did you mean". */
    private Set<String> knownFields(Error e) {
        String location = e.getSchemaLocation() == null ? "" : e.getSchemaLocation().toString();
        int hash = location.indexOf('#');
        if (hash < 0) {
            return Set.of();
        }
        String pointer = location.substring(hash + 1);
        if (pointer.endsWith("/additionalProperties")) {
            pointer = pointer.substring(0, pointer.length() - "/additionalProperties".length());
        }
        Set<String> names = new HashSet<>();
        schemas.at(pointer + "/properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String pointer(NodePath path) {
        StringBuilder p = new StringBuilder();
        if (path != null) {
            for (int i = 0; i < path.getNameCount(); i++) {
                p.append('/').append(escape(String.valueOf(path.getElement(i))));
            }
        }
        return p.toString();
    }

    private static String escape(String name) {
        return name == null ? "" : name.replace("~", "~0").replace("/", "~1");
    }

    private static String typeName(JsonNode schemaType) {
        if (schemaType == null) {
            return "another type";
        }
        JsonNode t = schemaType.has("type") ? schemaType.get("type") : schemaType;
        if (t.isArray()) {
            List<String> names = new ArrayList<>();
            t.forEach(n -> names.add(article(n.asText())));
            return String.join(" or ", names);
        }
        return article(t.asText());
    }

    private static String article(String type) {
        return switch (type) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "integer" -> "an integer";
            case "" -> "another type";
            default -> "a " + type;
        };
    }

    private static String jsonType(JsonNode n) {
        if (n == null) {
            return "missing";
        }
        return switch (n.getNodeType()) {
            case OBJECT -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> n.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase();
        };
    }

    private static String describe(JsonNode n) {
        if (n == null || !n.isValueNode()) {
            return "";
        }
        String text = n.toString();
        return " (" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + ")";
    }

    /** A copy without null-valued fields: the API server takes {@code field: null} as the field left out. */
    static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode copy = o.objectNode();
            o.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }
}
