package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * knative/rbac.yaml against what deploy applies: every namespaced kind {@link ApplyOrder} names is granted by the
 * Role with the verbs deploy calls on it, RBAC objects with bind / escalate, the health gate's reads, and the
 * optional ClusterRole covers the cluster-scoped kinds the README says it covers. Plural names and scopes come from
 * fabric8's model, not from this test.
 */
class DeployRbacTest {
    static final Set<String> APPLY_VERBS = Set.of("get", "create", "patch", "delete");
    /** The cluster-scoped kinds the optional ClusterRole is for (an allowlist may name them). */
    static final Set<String> CLUSTER_ROLE_KINDS = Set.of("/Namespace", "apiextensions.k8s.io/CustomResourceDefinition");

    final List<JsonNode> rbac = read(knativeFolder().resolve("rbac.yaml"));
    final KubernetesSerialization serialization = new KubernetesSerialization();

    record Kind(String id, String group, String plural, boolean namespaced) {
    }

    @Test
    void theRoleGrantsEveryNamespacedKindDeployAppliesWithGetCreatePatchAndDelete() {
        JsonNode role = object("Role", "sluice-deploy");
        List<String> missing = new ArrayList<>();
        int namespaced = 0;
        for (Kind k : appliedKinds()) {
            if (!k.namespaced()) {
                continue;
            }
            namespaced++;
            Set<String> granted = verbs(role, k.group(), k.plural());
            if (!granted.containsAll(APPLY_VERBS)) {
                missing.add(k.id() + " (" + k.plural() + "): has " + granted);
            }
        }
        assertThat(missing).as("kinds deploy applies that the Role does not fully grant").isEmpty();
        assertThat(namespaced).as("namespaced kinds ApplyOrder names").isGreaterThan(25);
    }

    @Test
    void theRoleLetsAReleaseHoldRolesAndRoleBindingsAndTheGateReadPodsAndRevisions() {
        JsonNode role = object("Role", "sluice-deploy");
        assertThat(verbs(role, "rbac.authorization.k8s.io", "roles")).contains("bind", "escalate");
        assertThat(verbs(role, "rbac.authorization.k8s.io", "clusterroles")).containsExactly("bind");
        assertThat(verbs(role, "", "pods")).contains("list");
        assertThat(verbs(role, "serving.knative.dev", "revisions")).containsExactly("get");
        assertThat(verbs(role, "apps", "deployments")).doesNotContain("update", "watch", "*");
    }

    @Test
    void theRoleBindingGivesTheRoleToDeploysServiceAccount() {
        JsonNode binding = object("RoleBinding", "sluice-deploy");
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("sluice-deploy");
        assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("sluice-deploy");
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo("sluice");
    }

    @Test
    void theOptionalClusterRoleCoversNamespacesAndCrdsWhichNoRoleCan() {
        JsonNode clusterRole = object("ClusterRole", "sluice-deploy-cluster-scoped");
        List<String> covered = new ArrayList<>();
        for (Kind k : appliedKinds()) {
            if (CLUSTER_ROLE_KINDS.contains(k.id())) {
                assertThat(k.namespaced()).as(k.id()).isFalse();
                assertThat(verbs(clusterRole, k.group(), k.plural())).as(k.id()).containsAll(APPLY_VERBS);
                covered.add(k.id());
            }
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(CLUSTER_ROLE_KINDS);
    }

    /** ApplyOrder's kinds with their plural and scope, as fabric8's model (Kubernetes and Knative) knows them. */
    List<Kind> appliedKinds() {
        List<Kind> kinds = new ArrayList<>();
        for (String id : ApplyOrder.namedKinds()) {
            String group = id.substring(0, id.indexOf('/'));
            String kind = id.substring(id.indexOf('/') + 1);
            Class<? extends HasMetadata> type = null;
            for (String version : List.of("v1", "v1beta1", "v1alpha1")) {
                String apiVersion = group.isEmpty() ? version : group + "/" + version;
                HasMetadata o = serialization.unmarshal("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
                        + "\",\"metadata\":{\"name\":\"x\"}}");
                if (!(o instanceof GenericKubernetesResource)) {
                    type = o.getClass();
                    break;
                }
            }
            assertThat(type).as("fabric8's model has no class for " + id).isNotNull();
            kinds.add(new Kind(id, group, HasMetadata.getPlural(type), Namespaced.class.isAssignableFrom(type)));
        }
        return kinds;
    }

    private static Set<String> verbs(JsonNode role, String group, String plural) {
        Set<String> verbs = new HashSet<>();
        for (JsonNode rule : role.path("rules")) {
            if (contains(rule.path("apiGroups"), group) && contains(rule.path("resources"), plural)) {
                rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            }
        }
        return verbs;
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode v : list) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode object(String kind, String name) {
        return rbac.stream().filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("rbac.yaml has no " + kind + " " + name));
    }

    private static List<JsonNode> read(Path file) {
        try {
            return new YAMLMapper().readValues(new YAMLMapper().getFactory().createParser(Files.readString(file)), JsonNode.class)
                    .readAll().stream().filter(n -> n != null && !n.isNull() && !n.isMissingNode()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    static Path knativeFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("knative/rbac.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate.getParent();
            }
        }
        throw new IllegalStateException("knative/rbac.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
