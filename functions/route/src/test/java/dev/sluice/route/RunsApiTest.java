package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.report.StageReport;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RunsApiTest {

    @Test
    void runsAreListedNewestFirstFilteredAndPaged() {
        String repo = "/repos/" + UUID.randomUUID();
        UUID a = startRun(repo, "refs/heads/one");
        UUID b = startRun(repo, "refs/heads/two");
        UUID c = startRun(repo, "refs/heads/two");
        api().queryParam("repository", repo).get("/runs").then().statusCode(200)
                .body("total", is(3)).body("items.id", contains(c.toString(), b.toString(), a.toString()));
        api().queryParam("repository", repo).queryParam("branch", "two").queryParam("state", "superseded").get("/runs")
                .then().body("items.id", contains(b.toString()));
        api().queryParam("repository", repo).queryParam("size", 1).queryParam("page", 1).get("/runs")
                .then().body("items.id", contains(b.toString())).body("page", is(1)).body("size", is(1));
    }

    @Test
    void runsAreFoundByTheRepositorysNameAsWellAsByItsUrl() {
        String name = "team/" + UUID.randomUUID();
        String url = "https://git.example/" + name + ".git";
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", "dev.sluice.push").header("ce-source", "/test")
                .body("{\"repository\":{\"url\":\"" + url + "\",\"name\":\"" + name + "\"},\"ref\":\"refs/heads/main\",\"after\":\""
                        + sha() + "\"}")
                .post("/").then().statusCode(200);
        UUID other = startRun("https://git.example/" + UUID.randomUUID() + ".git", "refs/heads/main");
        api().queryParam("repository", name).get("/runs").then().statusCode(200).body("total", is(1))
                .body("items[0].repository", is(url)).body("items[0].repositoryName", is(name));
        api().queryParam("repository", url).get("/runs").then().statusCode(200).body("total", is(1))
                .body("items[0].repositoryName", is(name));
        api().queryParam("repository", "team/nothing-" + UUID.randomUUID()).get("/runs").then().statusCode(200).body("total", is(0));
        api().queryParam("repository", name).get("/runs").then().body("items.id", not(hasItem(other.toString())));
    }

    @Test
    void badFiltersAndIdsGet400AndUnknownRuns404WithJson() {
        api().queryParam("state", "SLEEPING").get("/runs").then().statusCode(400).body("error", containsString("SLEEPING"))
                .body("states", hasItem("QUEUED"));
        api().queryParam("size", 0).get("/runs").then().statusCode(400);
        api().queryParam("page", "x").get("/runs").then().statusCode(400);
        api().get("/runs/not-a-uuid").then().statusCode(400).body("error", containsString("not a run id"));
        api().get("/runs/" + UUID.randomUUID()).then().statusCode(404).body("error", containsString("no run"));
        api().post("/runs/" + UUID.randomUUID() + "/approve").then().statusCode(404);
    }

    @Test
    void approvingARunThatIsNotWaitingIsRefusedWith409AndRecorded() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().post("/runs/" + run + "/approve").then().statusCode(409)
                .body("error", containsString("run is ANALYZING")).body("run.state", is("ANALYZING"));
        api().get("/runs/" + run).then().body("events.outcome", hasItem("REFUSED"));
        api().contentType("application/json").body("[1]").post("/runs/" + run + "/cancel").then().statusCode(400);
        api().contentType("application/json").body("{bad").post("/runs/" + run + "/cancel").then().statusCode(400);
    }

    @Test
    void stageReportsAreServedWholeAnd404UntilWritten() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        api().get("/runs/" + run + "/analysis").then().statusCode(404).body("error", containsString("no analysis report"));
        QuarkusTransaction.requiringNew().run(() -> StageReport.save(run, StageReport.ANALYSIS, 1,
                java.util.Map.of("decision", "APPROVE", "files", java.util.List.of("a.java"))));
        api().get("/runs/" + run + "/analysis").then().statusCode(200).body("decision", is("APPROVE")).body("files[0]", is("a.java"));
        api().get("/runs/" + run + "/validation").then().statusCode(404);
        QuarkusTransaction.requiringNew().run(() -> StageReport.save(run, "validation-sarif", 1,
                java.util.Map.of("version", "2.1.0", "runs", java.util.List.of())));
        api().queryParam("format", "sarif").get("/runs/" + run + "/validation").then().statusCode(200).body("version", is("2.1.0"));
        api().queryParam("format", "xml").get("/runs/" + run + "/validation").then().statusCode(400)
                .body("error", containsString("unknown format"));
        api().get("/runs/" + run + "/deployment").then().statusCode(404);
    }

    @Test
    void anUndeliverableEventFailsItsRunSayingWhereItCouldNotGo() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String body = "{\"runId\":\"" + run + "\",\"attempt\":1}";
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "dl-" + run)
                .header("ce-type", "dev.sluice.analysis.requested").header("ce-source", "/sluice/route").header("ce-subject", run.toString())
                .header("ce-sluiceproof", Events.proof("dev.sluice.analysis.requested", "dl-" + run, "/sluice/route", run.toString(), body))
                .header("ce-knativeerrordest", "http://sluice-analyze.sluice.svc/").header("ce-knativeerrorcode", "503")
                .header("ce-knativeerrordata", java.util.Base64.getEncoder().encodeToString("overloaded".getBytes()))
                .body(body).post("/dead-letter").then().statusCode(200).body("stored", is(true));
        api().get("/runs/" + run).then().body("state", is("FAILED"))
                .body("reason", allOf(containsString("dev.sluice.analysis.requested"), containsString("sluice-analyze"),
                        containsString("503"), containsString("overloaded")));
        given().get("/dead-letter").then().statusCode(200).body("eventId", hasItem("dl-" + run));
    }
}
