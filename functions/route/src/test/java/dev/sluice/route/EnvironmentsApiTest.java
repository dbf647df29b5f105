package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.analysis;
import static dev.sluice.route.RouteTestSupport.api;
import static dev.sluice.route.RouteTestSupport.outbox;
import static dev.sluice.route.RouteTestSupport.push;
import static dev.sluice.route.RouteTestSupport.sha;
import static dev.sluice.route.RouteTestSupport.state;
import static dev.sluice.route.RouteTestSupport.validation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.settings.Projects;
import dev.sluice.testing.PostgresTestResource;

/**
 * The environments API over deploy's release ledger. The ledger rows are written here as deploy writes them (route
 * cannot run deploy); runs get to QUEUED and DEPLOYING through route's own events.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class EnvironmentsApiTest {
    private static final String APP = "/repos/app";

    @Test
    void anEnvironmentShowsTheReleaseItIsMovingToTheLastVerifiedOneAndItsRunsDeployingAndQueued() {
        String env = env("shows");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), null, null, 2, 25);
        UUID deploying = queuedRun(env, "refs/heads/main");
        UUID queued = queuedRun(env, "refs/heads/next");
        assertThat(state(deploying)).isEqualTo(RunState.DEPLOYING);
        assertThat(state(queued)).isEqualTo(RunState.QUEUED);

        JsonPath body = api().get("/environments").then().statusCode(200).extract().jsonPath();

        String at = "items.find { it.name == '" + env + "' }";
        assertThat(body.getString(at + ".namespace")).isEqualTo("shop");
        assertThat(body.getString(at + ".current.id")).isEqualTo(env + "-2");
        assertThat(body.getString(at + ".current.outcome")).isEqualTo("IN_PROGRESS");
        assertThat(body.getInt(at + ".current.trafficPercent")).isEqualTo(25);
        assertThat(body.getInt(at + ".current.step")).isEqualTo(2);
        assertThat(body.getString(at + ".lastVerified.id")).isEqualTo(env + "-1");
        assertThat(body.getString(at + ".lastVerified.outcome")).isEqualTo("VERIFIED");
        assertThat(body.getList(at + ".runs.deploying.id", String.class)).containsExactly(deploying.toString());
        assertThat(body.getList(at + ".runs.queued.id", String.class)).containsExactly(queued.toString());
    }

    @Test
    void driftDeployFoundOnTheVerifiedReleaseIsShownWithTheEnvironment() {
        String env = env("drift");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        QuarkusTransaction.requiringNew().run(() -> Run.getEntityManager().createNativeQuery(
                "update releases set drift = :drift, drift_checked_at = now(), heals = :heals where id = :id")
                .setParameter("drift", "[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"shop\",\"name\":\"worker\","
                        + "\"paths\":[\"/spec/replicas\"],\"firstSeen\":\"2026-01-01T00:00:00Z\",\"lastSeen\":\"2026-01-01T00:05:00Z\"}]")
                .setParameter("heals", "[]").setParameter("id", env + "-1").executeUpdate());

        JsonPath body = api().get("/environments").then().statusCode(200).extract().jsonPath();
        String at = "items.find { it.name == '" + env + "' }.lastVerified";
        assertThat(body.getList(at + ".drift.paths[0]", String.class)).containsExactly("/spec/replicas");
        assertThat(body.getString(at + ".drift[0].firstSeen")).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(body.getString(at + ".driftCheckedAt")).isNotNull();
        assertThat(api().get("/environments/" + env + "/releases").then().statusCode(200).extract().jsonPath()
                .getString("items[0].drift[0].name")).isEqualTo("worker");
    }

    @Test
    void anEnvironmentsReleasesAreListedNewestFirst() {
        String env = env("list");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), "ROLLED_BACK", null, 2, 0);
        ledger(env, 3, sha(), "VERIFIED", env + "-1", 0, 100);

        api().get("/environments/" + env + "/releases").then().statusCode(200)
                .body("environment", equalTo(env))
                .body("items.id", contains(env + "-3", env + "-2", env + "-1"))
                .body("items.outcome", contains("VERIFIED", "ROLLED_BACK", "VERIFIED"))
                .body("items[0].kind", equalTo("ROLLBACK"))
                .body("items[0].restores", equalTo(env + "-1"))
                .body("items[0].step", nullValue());
        api().queryParam("limit", 1).get("/environments/" + env + "/releases").then().statusCode(200)
                .body("items.id", contains(env + "-3"));
        api().queryParam("limit", "x").get("/environments/" + env + "/releases").then().statusCode(400)
                .body("error", equalTo("limit must be a whole number"));
        api().get("/environments/" + env("nowhere") + "/releases").then().statusCode(404);
    }

    @Test
    void aReleaseShowsItsNamespaceRevisionsAndEveryTrafficStepAsDeployRecordedThem() {
        String env = env("detail");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), null, null, 1, 10);
        QuarkusTransaction.requiringNew().run(() -> Run.getEntityManager().createNativeQuery(
                "update releases set namespace = 'shop-eu', revisions = :revisions, steps = :steps where id = :id")
                .setParameter("revisions", "[{\"namespace\":\"shop-eu\",\"service\":\"hello\",\"revision\":\"hello-" + env
                        + "-2\",\"previous\":\"hello-" + env + "-1\"}]")
                .setParameter("steps", "[{\"step\":0,\"percent\":0,\"at\":\"2026-01-01T10:00:00Z\",\"health\":\"applied 1 object\"},"
                        + "{\"step\":1,\"percent\":10,\"at\":\"2026-01-01T10:01:00Z\",\"health\":\"healthy: Revision hello-" + env
                        + "-2 and its Service Ready, 0 restarts\"}]")
                .setParameter("id", env + "-2").executeUpdate());

        api().get("/environments/" + env + "/releases").then().statusCode(200)
                .body("items.id", contains(env + "-2", env + "-1"))
                .body("items.namespace", contains("shop-eu", "shop"))
                .body("items[0].revisions.service", contains("hello"))
                .body("items[0].revisions[0].revision", equalTo("hello-" + env + "-2"))
                .body("items[0].revisions[0].previous", equalTo("hello-" + env + "-1"))
                .body("items[0].revisions[0].namespace", equalTo("shop-eu"))
                .body("items[0].steps.step", contains(0, 1))
                .body("items[0].steps.percent", contains(0, 10))
                .body("items[0].steps[1].at", equalTo("2026-01-01T10:01:00Z"))
                .body("items[0].steps[1].health", equalTo("healthy: Revision hello-" + env + "-2 and its Service Ready, 0 restarts"))
                .body("items[1].revisions", nullValue())
                .body("items[1].steps", nullValue());
        JsonPath all = api().get("/environments").then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("items.find { it.name == '" + env + "' }.current.steps.percent", Integer.class)).containsExactly(0, 10);
        assertThat(all.getString("items.find { it.name == '" + env + "' }.current.namespace")).isEqualTo("shop-eu");
    }

    @Test
    void aRollbackIsHandedToDeployAsAnEventDefaultingToTheVerifiedReleaseBeforeTheCurrentOne() throws Exception {
        String env = env("rollback");
        String first = sha();
        ledger(env, 1, first, "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), "VERIFIED", null, 0, 100);

        api().contentType("application/json").body("{\"by\": \"ana\", \"reason\": \"p99 doubled\"}")
                .post("/environments/" + env + "/rollback").then().statusCode(202)
                .body("environment", equalTo(env))
                .body("releaseId", equalTo(env + "-1"))
                .body("sha", equalTo(first))
                .body("event.type", equalTo(EventTypes.ENVIRONMENT_ROLLBACK));

        CloudEvent event = rollbackEventFor(env);
        assertThat(event.getSource().toString()).isEqualTo("/sluice/route");
        assertThat(event.getSubject()).isNull();
        JsonNode data = EventCodec.json().readTree(event.getData().toBytes());
        assertThat(data.path("environment").asText()).isEqualTo(env);
        assertThat(data.path("releaseId").asText()).isEqualTo(env + "-1");
        // the principal decides who rolled back, not the body's "by"
        assertThat(data.path("by").asText()).isEqualTo("admin-token");
        assertThat(data.path("reason").asText()).isEqualTo("p99 doubled");
    }

    @Test
    void aRollbackDuringARolloutRestoresTheLastVerifiedRelease() {
        String env = env("abort");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 3, sha(), null, null, 1, 10);

        api().post("/environments/" + env + "/rollback").then().statusCode(202).body("releaseId", equalTo(env + "-2"));
        assertThat(rollbackEventFor(env)).isNotNull();
    }

    @Test
    void rollbacksThatCannotBeDoneAreRefusedWithTheReason() {
        String env = env("refused");
        ledger(env, 1, sha(), "VERIFIED", null, 0, 100);
        ledger(env, 2, sha(), "FAILED", null, 0, 0);

        api().contentType("application/json").body("{\"releaseId\": \"" + env + "-2\"}")
                .post("/environments/" + env + "/rollback").then().statusCode(409)
                .body("error", equalTo("release " + env + "-2 was never verified (FAILED): only a verified release can be restored"));
        api().contentType("application/json").body("{\"releaseId\": \"elsewhere-9\"}")
                .post("/environments/" + env + "/rollback").then().statusCode(404)
                .body("error", equalTo("environment " + env + " has no release elsewhere-9 in project /repos/app"));
        api().post("/environments/" + env + "/rollback").then().statusCode(409)
                .body("error", equalTo("environment " + env + " has no verified release before " + env + "-1 with another commit to roll back to"));
        api().post("/environments/" + env("empty") + "/rollback").then().statusCode(404);
        api().contentType("application/json").body("[1]").post("/environments/" + env + "/rollback").then().statusCode(400);
        api().contentType("application/json").body("{bad").post("/environments/" + env + "/rollback").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.startsWith("body is not valid JSON"));
        assertThat(outbox(EventTypes.ENVIRONMENT_ROLLBACK)).noneMatch(o -> o.event.contains("\"" + env + "\""));
    }

    @Test
    void twoRepositoriesWithAnEnvironmentOfTheSameNameAreTwoEnvironmentsEachReleaseShowingItsRepository() throws Exception {
        String env = env("twins");
        String a = "/repos/a-" + UUID.randomUUID();
        String b = "https://github.com/acme/b-" + UUID.randomUUID() + ".git";
        String projectA = Projects.ofRepository(a);
        String projectB = Projects.ofRepository(b);
        String a1 = sha();
        String b1 = sha();
        ledger(a, env, 1, a1, "VERIFIED", null, 0, 100);
        ledger(b, env, 2, b1, "VERIFIED", null, 0, 100);
        ledger(a, env, 3, sha(), "VERIFIED", null, 0, 100);
        ledger(b, env, 4, sha(), "VERIFIED", null, 0, 100);
        assertThat(projectB).isEqualTo(b.replace("https://", "").replace(".git", ""));

        JsonPath all = api().get("/environments").then().statusCode(200)
                .extract().jsonPath();
        String mine = "items.findAll { it.name == '" + env + "' }";
        assertThat(all.getList(mine + ".project", String.class)).containsExactlyInAnyOrder(projectA, projectB);
        String ofB = "items.find { it.name == '" + env + "' && it.project == '" + projectB + "' }";
        assertThat(all.getString(ofB + ".current.id")).isEqualTo(env + "-4");
        assertThat(all.getString(ofB + ".current.repositoryUrl")).isEqualTo(b);
        assertThat(all.getString(ofB + ".lastVerified.project")).isEqualTo(projectB);

        // a name two projects have is ambiguous: 400 listing them, for reads and for rollbacks
        api().get("/environments/" + env + "/releases").then().statusCode(400)
                .body("projects", org.hamcrest.Matchers.containsInAnyOrder(projectA, projectB))
                .body("error", equalTo("environment " + env + " exists in 2 projects: name one with ?project= or ?repository="));
        api().post("/environments/" + env + "/rollback").then().statusCode(400)
                .body("projects", org.hamcrest.Matchers.containsInAnyOrder(projectA, projectB));
        assertThat(outbox(EventTypes.ENVIRONMENT_ROLLBACK)).noneMatch(o -> o.event.contains("\"" + env + "\""));

        // by project, or by either address of the repository
        api().queryParam("project", projectB)
                .get("/environments/" + env + "/releases").then().statusCode(200)
                .body("project", equalTo(projectB))
                .body("items.id", contains(env + "-4", env + "-2"))
                .body("items.repositoryUrl", contains(b, b))
                .body("items.project", contains(projectB, projectB));
        String ssh = b.replace("https://github.com/", "git@github.com:");
        api().queryParam("repository", ssh)
                .get("/environments/" + env + "/releases").then().statusCode(200).body("items.id", contains(env + "-4", env + "-2"));
        api().queryParam("repository", a)
                .get("/environments/" + env + "/releases").then().statusCode(200).body("items.id", contains(env + "-3", env + "-1"));

        // a rollback of b restores b's previous commit, never a's
        api().queryParam("repository", b)
                .post("/environments/" + env + "/rollback").then().statusCode(202)
                .body("project", equalTo(projectB)).body("releaseId", equalTo(env + "-2")).body("sha", equalTo(b1))
                .body("repositoryUrl", equalTo(b));
        JsonNode data = EventCodec.json().readTree(rollbackEventFor(env).getData().toBytes());
        assertThat(data.path("project").asText()).isEqualTo(projectB);
        assertThat(data.path("releaseId").asText()).isEqualTo(env + "-2");
        // a's release cannot be named through b
        api().queryParam("project", projectB).contentType("application/json")
                .body("{\"releaseId\": \"" + env + "-1\"}").post("/environments/" + env + "/rollback").then().statusCode(404)
                .body("error", equalTo("environment " + env + " has no release " + env + "-1 in project " + projectB));
    }

    @Test
    void aRunTakesTheProjectItsSettingsNameAndDeployIsToldIt() throws Exception {
        String env = env("named");
        String repo = "/repos/named-" + UUID.randomUUID();
        var pushed = push(repo, "refs/heads/main", sha());
        UUID run = UUID.fromString(pushed.header("ce-subject"));
        analysis(run, 1, "APPROVE", "{\"project\":\"storefront\",\"shared\":true,\"environment\":\"" + env
                + "\",\"namespace\":\"shop\",\"strategy\":\"canary\",\"approval\":\"auto\"}").then().statusCode(200);
        var validated = validation(run, 1, true, "ok");
        assertThat(state(run)).isEqualTo(RunState.DEPLOYING);
        assertThat(QuarkusTransaction.requiringNew().call(() -> Run.<Run> findById(run).project)).isEqualTo("storefront");

        String request = validated.asString() + outbox(EventTypes.DEPLOYMENT_REQUESTED).stream().map(o -> o.event)
                .filter(e -> e.contains(run.toString())).reduce("", String::concat);
        assertThat(request).contains("\"project\":\"storefront\"");
        JsonPath all = api().get("/environments").then().statusCode(200)
                .extract().jsonPath();
        assertThat(all.getList("items.find { it.name == '" + env + "' && it.project == 'storefront' }.runs.deploying.id", String.class))
                .containsExactly(run.toString());
    }

    /** A run of the environment that passed analysis and validation: the first deploys, later ones queue. */
    private static UUID queuedRun(String env, String ref) {
        return queuedRun(APP, env, ref);
    }

    private static UUID queuedRun(String repo, String env, String ref) {
        var pushed = push(repo, ref, sha());
        UUID run = UUID.fromString(pushed.header("ce-subject"));
        analysis(run, 1, "APPROVE", "{\"environment\":\"" + env + "\",\"namespace\":\"shop\",\"strategy\":\"canary\",\"approval\":\"auto\"}")
                .then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(org.hamcrest.Matchers.lessThan(300));
        return run;
    }

    /** A row of the release ledger as deploy writes it. */
    private static void ledger(String env, int number, String sha, String outcome, String restores, int step, int traffic) {
        ledger(APP, env, number, sha, outcome, restores, step, traffic);
    }

    static void ledger(String repo, String env, int number, String sha, String outcome, String restores, int step,
            int traffic) {
        Instant now = Instant.now().plusSeconds(number);
        QuarkusTransaction.requiringNew().run(() -> Run.getEntityManager().createNativeQuery("""
                insert into releases (id, project, environment, number, namespace, run_id, attempt, sha, repository_url, strategy,
                    mode, outcome, reason, objects, plan, created_at, finished_at, kind, restores, step, traffic_percent, health,
                    verified_at)
                values (:id, :project, :env, :number, 'shop', :run, 1, :sha, :repo, 'canary', 'CLUSTER', :outcome, :reason, '[]', '{}',
                    :created, :finished, :kind, :restores, :step, :traffic, 'healthy', :verified)""")
                .setParameter("id", env + "-" + number).setParameter("project", Projects.ofRepository(repo))
                .setParameter("repo", repo).setParameter("env", env).setParameter("number", number)
                .setParameter("run", restores == null ? UUID.randomUUID() : null).setParameter("sha", sha)
                .setParameter("outcome", outcome).setParameter("reason", outcome == null ? null : "test " + outcome)
                .setParameter("created", now).setParameter("finished", outcome == null ? null : now)
                .setParameter("kind", restores == null ? "DEPLOY" : "ROLLBACK").setParameter("restores", restores)
                .setParameter("step", step).setParameter("traffic", traffic)
                .setParameter("verified", "VERIFIED".equals(outcome) ? now : null)
                .executeUpdate());
    }

    private static CloudEvent rollbackEventFor(String env) {
        List<OutboxEvent> events = outbox(EventTypes.ENVIRONMENT_ROLLBACK);
        return events.stream().filter(o -> o.event.contains("\"environment\":\"" + env + "\"")).map(o -> EventCodec.fromStructured(o.event))
                .findFirst().orElseThrow(() -> new AssertionError("no rollback event for " + env + " in the outbox"));
    }

    private static String env(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
