package dev.sluice.deploy;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.serving.v1.Revision;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * deploy's only door to the cluster (fabric8): applies objects, reads what the health gate needs, sets a Knative
 * Service's traffic and deletes pruned objects. Objects are applied with server-side apply under the field
 * manager {@code sluice}; {@code sluice.deploy.apply=replace} (create, else update) exists for fabric8's CRUD
 * mock server, which has no server-side apply.
 */
@ApplicationScoped
public class ClusterObjects {
    static final String FIELD_MANAGER = "sluice";

    public enum ApplyMethod {
        SERVER_SIDE, REPLACE
    }

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "sluice.deploy.apply", defaultValue = "server-side")
    ApplyMethod method;

    ClusterObjects() {
    }

    ClusterObjects(KubernetesClient client, ApplyMethod method) {
        this.client = client;
        this.method = method;
    }

    /** A kind the cluster does not serve (its CRD is missing), or the cluster could not say. */
    static class UnknownKind extends RuntimeException {
        UnknownKind(String message) {
            super(message);
        }
    }

    void apply(ObjectNode object, ClusterScope scope) {
        Resource<? extends HasMetadata> resource = resource(applicable(object), scope);
        if (method == ApplyMethod.SERVER_SIDE) {
            resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } else {
            resource.createOr(NonDeletingOperation::update);
        }
    }

    /** The live object, or empty when it is not there. */
    Optional<HasMetadata> get(String apiVersion, String kind, String namespace, String name, ClusterScope scope) {
        return Optional.ofNullable(resource(reference(apiVersion, kind, namespace, name), scope).get());
    }

    /** The live object as JSON (with its managedFields), or null when it is not there. */
    ObjectNode getJson(String apiVersion, String kind, String namespace, String name, ClusterScope scope) {
        HasMetadata live = resource(reference(apiVersion, kind, namespace, name), scope).get();
        return live == null ? null : (ObjectNode) client.getKubernetesSerialization().convertValue(live, JsonNode.class);
    }

    boolean delete(String apiVersion, String kind, String namespace, String name, ClusterScope scope) {
        return !resource(reference(apiVersion, kind, namespace, name), scope).delete().isEmpty();
    }

    /**
     * Replaces a Knative Service's traffic block in one JSON Patch (an "add" replaces an existing member), so the
     * split changes atomically and nothing else of the Service is touched.
     */
    void setTraffic(String namespace, String service, ArrayNode traffic) {
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        patch.addObject().put("op", "add").put("path", "/spec/traffic").set("value", traffic);
        knative().services().inNamespace(namespace).withName(service).patch(
                new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(FIELD_MANAGER).build(),
                patch.toString());
    }

    io.fabric8.knative.serving.v1.Service knativeService(String namespace, String name) {
        return knative().services().inNamespace(namespace).withName(name).get();
    }

    Revision revision(String namespace, String name) {
        return knative().revisions().inNamespace(namespace).withName(name).get();
    }

    List<Pod> pods(String namespace, String label, String value) {
        return client.pods().inNamespace(namespace).withLabel(label, value).list().getItems();
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    StatefulSet statefulSet(String namespace, String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    /**
     * Whether an object lives outside namespaces: built-in kinds by fabric8's model, custom kinds by their CRD
     * in the same release, else by asking the cluster (API discovery).
     *
     * @throws UnknownKind when the cluster does not serve the kind
     */
    boolean clusterScoped(RenderedObject o, ClusterScope scope) {
        if (scope.isClusterScoped(o.apiVersion(), o.kind())) {
            return true;
        }
        if (scope.definedInRelease(o.apiVersion(), o.kind()).isPresent()) {
            return false;
        }
        HasMetadata typed = client.getKubernetesSerialization().unmarshal(reference(o.apiVersion(), o.kind(), null, o.name()).toString());
        if (!(typed instanceof GenericKubernetesResource)) {
            return !(typed instanceof Namespaced);
        }
        return !discover(o.apiVersion(), o.kind()).getNamespaced();
    }

    private APIResource discover(String apiVersion, String kind) {
        APIResourceList list;
        try {
            list = client.getApiResources(apiVersion);
        } catch (KubernetesClientException e) {
            if (isTransient(e)) {
                throw e;
            }
            throw new UnknownKind("cannot look up " + kind + " (" + apiVersion + ") in the cluster: " + message(e));
        }
        if (list != null) {
            for (APIResource r : list.getResources()) {
                if (kind.equals(r.getKind()) && !r.getName().contains("/")) {
                    return r;
                }
            }
        }
        throw new UnknownKind("the cluster serves no " + kind + " in " + apiVersion + " (is its CustomResourceDefinition installed?)");
    }

    private Resource<? extends HasMetadata> resource(ObjectNode json, ClusterScope scope) {
        HasMetadata object = client.getKubernetesSerialization().unmarshal(json.toString());
        if (!(object instanceof GenericKubernetesResource generic)) {
            return client.resource(object);
        }
        String apiVersion = generic.getApiVersion();
        String kind = generic.getKind();
        ResourceDefinitionContext context = scope.definedInRelease(apiVersion, kind).orElseGet(() -> {
            APIResource r = discover(apiVersion, kind);
            String group = RenderedObject.groupOf(apiVersion);
            return new ResourceDefinitionContext.Builder().withGroup(group)
                    .withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1)).withKind(kind).withPlural(r.getName())
                    .withNamespaced(r.getNamespaced()).build();
        });
        String namespace = generic.getMetadata().getNamespace();
        var op = client.genericKubernetesResources(context);
        return context.isNamespaceScoped() && namespace != null ? op.inNamespace(namespace).resource(generic) : op.resource(generic);
    }

    /** The object without what the server owns (status, resource version, managed fields...). */
    private static ObjectNode applicable(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove("status");
        JsonNode md = copy.get("metadata");
        if (md instanceof ObjectNode m) {
            m.remove(List.of("resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "selfLink"));
        }
        return copy;
    }

    private static ObjectNode reference(String apiVersion, String kind, String namespace, String name) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode md = ref.putObject("metadata").put("name", name);
        if (namespace != null) {
            md.put("namespace", namespace);
        }
        return ref;
    }

    private KnativeClient knative() {
        return client.adapt(KnativeClient.class);
    }

    /** A failure worth trying again later: the cluster could not be reached, was overloaded, or raced us. */
    static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k) {
                int code = k.getCode();
                if (code == 0 && k.getCause() == null) {
                    return true;
                }
                if (code >= 500 || code == 429 || code == 409) {
                    return true;
                }
                if (code > 0) {
                    return false;
                }
            }
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The API server's own message for a failure, without fabric8's request preamble. */
    static String message(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                return k.getCode() + " " + k.getStatus().getMessage();
            }
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
