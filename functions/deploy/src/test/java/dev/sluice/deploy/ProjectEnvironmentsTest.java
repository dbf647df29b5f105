package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.json;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.post;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.postRollback;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.Outcome;
import dev.sluice.settings.Projects;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * Environments belong to their project (the repository's own, or the one .sluice.yaml names): two repositories with
 * an environment of the same name never plan, prune or roll back each other's releases, and a namespace one project
 * deployed to is refused to another unless both mark it shared.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ProjectEnvironmentsTest {

    @Test
    void oneRepositorysPlanNeitherComparesWithNorPrunesTheOthersObjectsInAnEnvironmentOfTheSameName() {
        try (TestRepository a = TestRepository.create(); TestRepository b = TestRepository.create()) {
            String env = environment("production");
            String ns = environment("shared");
            String a1 = a.commit("a", Map.of(".sluice.yaml", settings(env, ns, true, null), "k8s/a.yaml", configMaps("a-one", "a-two")));
            String b1 = b.commit("b", Map.of(".sluice.yaml", settings(env, ns, true, null), "k8s/b.yaml", configMaps("b-one")));
            assertThat(outcome(postRequested(UUID.randomUUID(), a.url(), env, ns, a1))).isEqualTo("VERIFIED");
            UUID bRun = UUID.randomUUID();
            assertThat(outcome(postRequested(bRun, b.url(), env, ns, b1))).isEqualTo("VERIFIED");

            // b's first release is b's first: nothing of a's is compared with or would be pruned
            JsonNode bPlan = report(bRun);
            assertThat(bPlan.path("previousReleaseId").isMissingNode() || bPlan.path("previousReleaseId").isNull()).isTrue();
            assertThat(bPlan.path("counts").path("create").asInt()).isEqualTo(1);
            assertThat(bPlan.path("wouldPrune")).isEmpty();
            assertThat(bPlan.path("project").asText()).isEqualTo(Projects.ofRepository(b.url()));

            // a drops a-two: only a-two would be pruned, never b's object
            String a2 = a.commit("a drops one", Map.of("k8s/a.yaml", configMaps("a-one")));
            UUID aRun = UUID.randomUUID();
            assertThat(outcome(postRequested(aRun, a.url(), env, ns, a2))).isEqualTo("VERIFIED");
            JsonNode aPlan = report(aRun);
            assertThat(aPlan.path("previousReleaseId").asText()).isEqualTo(env + "-1");
            assertThat(names(aPlan.path("wouldPrune"))).containsExactly("a-two");
            assertThat(aPlan.path("counts").path("unchanged").asInt()).isEqualTo(1);

            List<Release> releases = ledger(env);
            assertThat(releases).extracting(r -> r.project).containsExactly(Projects.ofRepository(a.url()),
                    Projects.ofRepository(b.url()), Projects.ofRepository(a.url()));
            assertThat(releases).extracting(r -> r.id).containsExactly(env + "-1", env + "-2", env + "-3");
            assertThat(releases).allMatch(r -> r.shared);
        }
    }

    @Test
    void aRollbackRestoresOnlyItsOwnProjectsCommitAndAnUnnamedProjectIsRefusedWhileTwoHaveTheEnvironment() {
        try (TestRepository a = TestRepository.create(); TestRepository b = TestRepository.create()) {
            String env = environment("production");
            String ns = environment("shared");
            String a1 = a.commit("a1", Map.of(".sluice.yaml", settings(env, ns, true, null), "k8s/a.yaml", configMaps("a-one")));
            String a2 = a.commit("a2", Map.of("k8s/a.yaml", configMaps("a-one", "a-two")));
            String b1 = b.commit("b1", Map.of(".sluice.yaml", settings(env, ns, true, null), "k8s/b.yaml", configMaps("b-one")));
            String b2 = b.commit("b2", Map.of("k8s/b.yaml", configMaps("b-one", "b-two")));
            postRequested(UUID.randomUUID(), a.url(), env, ns, a1).then().statusCode(200);
            postRequested(UUID.randomUUID(), b.url(), env, ns, b1).then().statusCode(200);
            postRequested(UUID.randomUUID(), a.url(), env, ns, a2).then().statusCode(200);
            postRequested(UUID.randomUUID(), b.url(), env, ns, b2).then().statusCode(200);

            Response ambiguous = postRollback(env, null, "ana", "which one?");
            ambiguous.then().statusCode(400);
            assertThat(ambiguous.asString()).contains("2 projects").contains(Projects.ofRepository(a.url()))
                    .contains(Projects.ofRepository(b.url()));

            String projectA = Projects.ofRepository(a.url());
            Response restored = post(EventTypes.ENVIRONMENT_ROLLBACK, UUID.randomUUID().toString(), null,
                    json(Events.map("environment", env, "project", projectA, "by", "ana", "reason", "a2 is bad")));
            restored.then().statusCode(204);

            List<Release> releases = ledger(env);
            Release rollback = releases.get(releases.size() - 1);
            assertThat(rollback.kind).isEqualTo(Release.Kind.ROLLBACK);
            assertThat(rollback.project).isEqualTo(projectA);
            assertThat(rollback.sha).isEqualTo(a1);
            assertThat(rollback.restores).isEqualTo(env + "-1");
            assertThat(rollback.previousId).isEqualTo(env + "-3");
            // a's a2 is rolled back; b's releases are untouched and b2 still in force
            assertThat(releases.stream().filter(r -> r.sha.equals(a2)).findFirst().orElseThrow().outcome).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(releases.stream().filter(r -> r.sha.equals(b2)).findFirst().orElseThrow().outcome).isEqualTo(Outcome.VERIFIED);
            assertThat(releases.stream().filter(r -> r.sha.equals(b1)).findFirst().orElseThrow().outcome).isEqualTo(Outcome.VERIFIED);
            // a release of the other project cannot be named as a's target
            Response foreign = post(EventTypes.ENVIRONMENT_ROLLBACK, UUID.randomUUID().toString(), null,
                    json(Events.map("environment", env, "project", projectA, "releaseId", env + "-2")));
            foreign.then().statusCode(400);
            assertThat(foreign.asString()).contains("has no release " + env + "-2");
        }
    }

    @Test
    void aNamespaceAnotherProjectDeployedToIsRefusedNamingThatProjectUnlessBothMarkItShared() {
        try (TestRepository owner = TestRepository.create(); TestRepository other = TestRepository.create()) {
            String ns = environment("owned");
            String ownerEnv = environment("production");
            String otherEnv = environment("production");
            String o1 = owner.commit("owner", Map.of(".sluice.yaml", settings(ownerEnv, ns, false, null), "k8s/a.yaml", configMaps("a")));
            assertThat(outcome(postRequested(UUID.randomUUID(), owner.url(), ownerEnv, ns, o1))).isEqualTo("VERIFIED");

            // neither shares it
            String x1 = other.commit("other", Map.of(".sluice.yaml", settings(otherEnv, ns, false, null), "k8s/b.yaml", configMaps("b")));
            JsonNode refused = tree(postRequested(UUID.randomUUID(), other.url(), otherEnv, ns, x1).asString());
            assertThat(refused.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(refused.path("reason").asText()).startsWith("namespace " + ns + " belongs to project "
                    + Projects.ofRepository(owner.url()) + " (release " + ownerEnv + "-1, environment " + ownerEnv + ")")
                    .contains("unless both projects mark their environment shared: true");
            assertThat(ledger(otherEnv)).isEmpty();

            // only the newcomer shares it: still refused, naming the owner as the one that does not
            String x2 = other.commit("other shares", Map.of(".sluice.yaml", settings(otherEnv, ns, true, null)));
            JsonNode stillRefused = tree(postRequested(UUID.randomUUID(), other.url(), otherEnv, ns, x2).asString());
            assertThat(stillRefused.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(stillRefused.path("reason").asText()).endsWith("(" + Projects.ofRepository(owner.url()) + " does not)");

            // both share it: deployed
            String o2 = owner.commit("owner shares", Map.of(".sluice.yaml", settings(ownerEnv, ns, true, null)));
            assertThat(outcome(postRequested(UUID.randomUUID(), owner.url(), ownerEnv, ns, o2))).isEqualTo("VERIFIED");
            assertThat(outcome(postRequested(UUID.randomUUID(), other.url(), otherEnv, ns, x2))).isEqualTo("VERIFIED");

            // the owner stops sharing: now the owner is refused, since the other project is there
            String o3 = owner.commit("owner stops sharing", Map.of(".sluice.yaml", settings(ownerEnv, ns, false, null)));
            JsonNode ownerRefused = tree(postRequested(UUID.randomUUID(), owner.url(), ownerEnv, ns, o3).asString());
            assertThat(ownerRefused.path("reason").asText()).startsWith("namespace " + ns + " belongs to project "
                    + Projects.ofRepository(other.url()));
        }
    }

    @Test
    void twoRepositoriesRacingForAFreeNamespaceNeverBothGetIt() throws Exception {
        int repositories = 4;
        List<TestRepository> repos = new ArrayList<>();
        try {
            String ns = environment("race");
            List<Callable<String>> deploys = new ArrayList<>();
            for (int i = 0; i < repositories; i++) {
                TestRepository r = TestRepository.create();
                repos.add(r);
                String env = environment("production");
                String sha = r.commit("r" + i, Map.of(".sluice.yaml", settings(env, ns, false, null), "k8s/a.yaml", configMaps("a" + i)));
                deploys.add(() -> outcome(postRequested(UUID.randomUUID(), r.url(), env, ns, sha)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(repositories);
            List<String> outcomes = new ArrayList<>();
            try {
                for (Future<String> f : pool.invokeAll(deploys)) {
                    outcomes.add(f.get());
                }
            } finally {
                pool.shutdown();
            }
            assertThat(outcomes).filteredOn("VERIFIED"::equals).hasSize(1);
            assertThat(outcomes).filteredOn("FAILED"::equals).hasSize(repositories - 1);
        } finally {
            repos.forEach(TestRepository::close);
        }
    }

    @Test
    void repositoriesNamingOneProjectShareItsEnvironmentAndARequestForAnotherProjectIsRefused() {
        try (TestRepository api = TestRepository.create(); TestRepository web = TestRepository.create()) {
            String env = environment("production");
            String ns = environment("shop");
            String s1 = api.commit("api", Map.of(".sluice.yaml", settings(env, ns, false, "shop"), "k8s/a.yaml", configMaps("api")));
            String s2 = web.commit("web", Map.of(".sluice.yaml", settings(env, ns, false, "shop"), "k8s/a.yaml", configMaps("web")));
            assertThat(outcome(postRequested(UUID.randomUUID(), api.url(), env, ns, s1))).isEqualTo("VERIFIED");
            UUID webRun = UUID.randomUUID();
            assertThat(outcome(postRequested(webRun, web.url(), env, ns, s2))).isEqualTo("VERIFIED");
            // one project, one environment: web's release follows api's, and would prune what web dropped
            assertThat(report(webRun).path("previousReleaseId").asText()).isEqualTo(env + "-1");
            assertThat(names(report(webRun).path("wouldPrune"))).containsExactly("api");
            assertThat(ledger(env)).extracting(r -> r.project).containsOnly("shop");

            // route's project and the commit's must agree
            var data = Events.map("runId", UUID.randomUUID().toString(), "attempt", 1, "repositoryUrl", web.url(),
                    "environment", env, "namespace", ns, "sha", s2, "project", "somebody-else");
            JsonNode mismatch = tree(post(EventTypes.DEPLOYMENT_REQUESTED, UUID.randomUUID().toString(), UUID.randomUUID(),
                    json(data)).asString());
            assertThat(mismatch.path("retryable").asBoolean()).isFalse();
            assertThat(mismatch.path("error").asText()).isEqualTo("the request names project somebody-else, but commit "
                    + s2.substring(0, 12) + " of " + web.url() + " belongs to project shop");
        }
    }

    @Test
    void theMigrationNamesExistingRowsProjectsAsTheCodeNamesNewOnes() {
        for (String url : List.of("https://github.com/acme/shop.git", "https://github.com/acme/shop/", "git@github.com:acme/shop.git",
                "ssh://git@github.com:22/acme/shop.git", "https://bot:s3cret@gitlab.example.com:8443/acme/shop.git",
                "file:///srv/git/shop.git", "/tmp/hello", " /tmp/x.git/ ", "relative")) {
            String sql = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> (String) Release.getEntityManager()
                    .createNativeQuery("select sluice_project_of(?1)").setParameter(1, url).getSingleResult());
            assertThat(sql).as(url).isEqualTo(Projects.ofRepository(url));
        }
    }

    private static String settings(String env, String namespace, boolean shared, String project) {
        return (project == null ? "" : "project: " + project + "\n") + "environments:\n  - name: " + env + "\n    branch: main\n"
                + "    namespace: " + namespace + "\n    strategy: rolling\n" + (shared ? "    shared: true\n" : "")
                + "manifests: [k8s/]\n";
    }

    private static String configMaps(String... names) {
        StringBuilder y = new StringBuilder();
        for (String n : names) {
            y.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ").append(n).append("}\ndata: {k: v}\n");
        }
        return y.toString();
    }

    private static String outcome(Response reply) {
        reply.then().statusCode(200);
        return tree(reply.asString()).path("outcome").asText();
    }

    private static List<String> names(JsonNode objects) {
        List<String> out = new ArrayList<>();
        objects.forEach(o -> out.add(o.path("name").asText()));
        return out;
    }
}
