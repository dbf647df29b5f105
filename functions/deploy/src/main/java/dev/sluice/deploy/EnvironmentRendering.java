package dev.sluice.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sluice.manifest.ManifestDocument;

/**
 * Turns a commit's manifest documents into the objects of one release for one environment: namespaced
 * objects without a namespace get the environment's (one naming another is kept as it is, for
 * {@link Rendered#outsideNamespace} to refuse), every object gets the release labels, and the objects come out in
 * {@link ApplyOrder}. Documents that cannot become an object are skipped with the reason (validate
 * gates them before a deployment; deploy still counts them). Secret values stay real here, for applying;
 * {@link Rendered#withSecretDigests()} is what the ledger and the plan see.
 */
final class EnvironmentRendering {
    private EnvironmentRendering() {
    }

    record Rendered(List<RenderedObject> objects, List<SkippedDocument> skipped, ClusterScope scope) {
        /** The same objects with Secret values replaced by digests: never store or report real values. */
        Rendered withSecretDigests() {
            return new Rendered(objects.stream().map(SecretValues::digested).toList(), skipped, scope);
        }

        /**
         * The namespaced objects whose manifest names a namespace other than the environment's, each with why it is
         * refused: a release deploys into its environment's namespace only (validate flags the same, as an error a
         * user may turn off; deploy does not follow them elsewhere).
         */
        List<String> outsideNamespace(String namespace) {
            List<String> refused = new ArrayList<>();
            for (RenderedObject o : objects) {
                if (o.namespace() != null && !o.namespace().equals(namespace) && !scope.isClusterScoped(o.apiVersion(), o.kind())) {
                    refused.add(o.describe() + (o.file() == null ? "" : " (" + o.file() + ":" + o.line() + ")")
                            + " names namespace " + o.namespace() + ", not the environment's namespace " + namespace);
                }
            }
            return refused;
        }
    }

    /**
     * @param project the project whose environment it is (annotated on every object)
     * @param runId the run the release belongs to; null for a rollback
     */
    static Rendered render(List<ManifestDocument> docs, String project, String namespace, String releaseId, UUID runId) {
        ClusterScope scope = ClusterScope.of(docs);
        List<RenderedObject> objects = new ArrayList<>();
        List<SkippedDocument> skipped = new ArrayList<>();
        Map<String, RenderedObject> seen = new HashMap<>();
        for (ManifestDocument doc : docs) {
            String problem = problem(doc);
            if (problem != null) {
                skipped.add(new SkippedDocument(doc.file(), doc.line(), problem));
                continue;
            }
            ObjectNode object = doc.object().deepCopy();
            ObjectNode metadata = (ObjectNode) object.get("metadata");
            String ns = doc.namespace() == null || doc.namespace().isBlank() ? null : doc.namespace();
            if (ns == null && !scope.isClusterScoped(doc.apiVersion(), doc.kind())) {
                ns = namespace;
                metadata.put("namespace", namespace);
            }
            ReleaseLabels.apply(metadata.withObjectProperty("labels"), releaseId, runId);
            ReleaseLabels.applyProject(metadata, project);
            RenderedObject rendered = new RenderedObject(doc.apiVersion(), doc.kind(), ns, doc.name(), doc.file(), doc.line(), object);
            RenderedObject first = seen.putIfAbsent(rendered.key(), rendered);
            if (first != null) {
                skipped.add(new SkippedDocument(doc.file(), doc.line(), rendered.describe() + " is already defined at "
                        + first.file() + ":" + first.line()));
                continue;
            }
            objects.add(rendered);
        }
        objects.sort(ApplyOrder.COMPARATOR);
        return new Rendered(List.copyOf(objects), List.copyOf(skipped), scope);
    }

    /** Why a document cannot be applied as an object, or null when it can. */
    private static String problem(ManifestDocument doc) {
        if (!doc.parsed()) {
            return doc.error();
        }
        if (doc.apiVersion() == null || doc.apiVersion().isBlank()) {
            return "no apiVersion";
        }
        if (doc.kind() == null || doc.kind().isBlank()) {
            return "no kind";
        }
        JsonNode metadata = doc.content().get("metadata");
        if (metadata == null || !metadata.isObject()) {
            return "no metadata mapping";
        }
        if (doc.name() == null || doc.name().isBlank()) {
            return "no metadata.name";
        }
        JsonNode labels = metadata.get("labels");
        if (labels != null && !labels.isNull() && !labels.isObject()) {
            return "metadata.labels is not a mapping";
        }
        return null;
    }
}
