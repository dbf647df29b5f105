package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import dev.sluice.events.EventTypes;
import dev.sluice.settings.Projects;
import dev.sluice.testing.PostgresTestResource;

/**
 * The dashboard without a browser: who may see and do what (login form, cookie, CSRF header), bad input as 400/404
 * pages, GET / as the dashboard beside the CloudEvents ingress at POST /, and the live stream of a run.
 * DashboardBrowserTest drives the same pages in Chromium.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardTest {
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static RequestSpecification signedIn() {
        return given().redirects().follow(false).cookie("sluice-token", ADMIN_TOKEN);
    }

    @Test
    void withoutSigningInPagesRedirectToTheLoginFormAndActionsAndStreamsAre401() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        for (String page : new String[] { "/", "/ui/runs/rows", "/ui/runs/" + run, "/ui/approvals", "/ui/environments" }) {
            given().redirects().follow(false).get(page).then().statusCode(303)
                    .header("Location", containsString("/ui/login?next=")).header("Location", containsString(page.equals("/") ? "next=%2F" : "ui"));
            // a wrong token in the cookie is no session either
            given().redirects().follow(false).cookie("sluice-token", "not-the-token").get(page).then().statusCode(303)
                    .header("Location", containsString("/ui/login"));
        }
        given().header("HX-Request", "true").post("/ui/runs/" + run + "/approve").then().statusCode(401)
                .header("HX-Redirect", startsWith("/ui/login"));
        given().header("HX-Request", "true").cookie("sluice-token", "wrong").post("/ui/runs/" + run + "/approve").then().statusCode(401);
        given().accept("text/event-stream").get("/ui/events").then().statusCode(401);
        // the API is no more open than before: the cookie of a wrong token gets the API's JSON 401
        given().cookie("sluice-token", "wrong").get("/runs").then().statusCode(401).body("error", notNullValue());
        assertThat(state(run).name()).isEqualTo("ANALYZING");
    }

    @Test
    void theLoginFormTakesOnlyTheAdminTokenAndSetsAStrictHttpOnlyCookie() {
        given().get("/ui/login").then().statusCode(200).contentType(containsString("text/html")).body(containsString("name=\"token\""));
        given().redirects().follow(false).formParam("token", "guess").formParam("next", "/ui/approvals").post("/ui/login").then()
                .statusCode(401).body(containsString("not the admin token")).header("Set-Cookie", nullValue());
        var ok = given().redirects().follow(false).formParam("token", ADMIN_TOKEN).formParam("next", "/ui/approvals").post("/ui/login");
        ok.then().statusCode(303).header("Location", endsWith("/ui/approvals"));
        String cookie = ok.header("Set-Cookie");
        assertThat(cookie).startsWith("sluice-token=" + ADMIN_TOKEN).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .contains("Path=/");
        // never a redirect to another site
        given().redirects().follow(false).formParam("token", ADMIN_TOKEN).formParam("next", "//evil.example/").post("/ui/login").then()
                .statusCode(303).header("Location", not(containsString("evil")));
        signedIn().get("/ui/approvals").then().statusCode(200).body(containsString("Waiting for approval"));
    }

    @Test
    void aChangeSignedInByCookieNeedsTheHtmxHeaderAgainstCrossSiteForgery() {
        String repo = "/repos/" + UUID.randomUUID();
        UUID run = startRun(repo, "refs/heads/main");
        analysis(run, 1, "NEEDS_REVIEW", SETTINGS_PROD.replace("production", "dash-" + UUID.randomUUID())).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(204);
        assertThat(state(run).name()).isEqualTo("AWAITING_APPROVAL");
        // a cross-site form could post this, with the cookie: refused, nothing moves
        signedIn().post("/ui/runs/" + run + "/approve").then().statusCode(401);
        signedIn().post("/runs/" + run + "/approve").then().statusCode(401).body("error", containsString("HX-Request"));
        assertThat(state(run).name()).isEqualTo("AWAITING_APPROVAL");
        signedIn().header("HX-Request", "true").post("/ui/runs/" + run + "/approve").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("approved"));
        assertThat(state(run).name()).isIn("QUEUED", "DEPLOYING");
        // approving again is the API's 409, shown as a line on the page
        signedIn().header("HX-Request", "true").post("/ui/runs/" + run + "/approve").then().statusCode(409)
                .body(containsString("flash bad"));
        // the transition was made by the admin token's principal
        api().get("/runs/" + run).then().body("transitions.actor", hasItem("admin-token"));
    }

    @Test
    void getSlashIsTheDashboardAndPostSlashStillTakesCloudEvents() {
        String repo = "/repos/" + UUID.randomUUID();
        UUID run = startRun(repo, "refs/heads/main"); // POST / as before
        signedIn().queryParam("repository", repo).get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/ui/runs/" + run)).body(containsString("ANALYZING"))
                .body(containsString("htmx.min.js")).body(containsString("sse-connect=\"/ui/events\""));
        // the scripts and the style sheet are served
        String html = signedIn().get("/").asString();
        String htmx = html.replaceAll("(?s).*<script src=\"([^\"]*htmx.min.js)\".*", "$1");
        given().get(htmx).then().statusCode(200).body(containsString("htmx"));
        given().get(html.replaceAll("(?s).*<script src=\"([^\"]*sse.js)\".*", "$1")).then().statusCode(200);
        given().get("/ui/dashboard.css").then().statusCode(200);
        signedIn().get("/ui/runs/" + run).then().statusCode(200).body(containsString("Timeline"));
        signedIn().get("/ui/environments").then().statusCode(200);
    }

    @Test
    void badInputIsA400Or404PageNeverA500() {
        Map<String, Integer> expected = Map.of(
                "/?page=-1", 400, "/?page=x", 400, "/?size=100000", 400, "/?state=SLEEPING", 400,
                "/ui/runs/not-a-uuid", 400, "/ui/runs/" + UUID.randomUUID(), 404, "/ui/runs/" + UUID.randomUUID() + "/body", 404,
                "/ui/environments/nowhere-" + UUID.randomUUID(), 404, "/?page=99999", 200);
        expected.forEach((path, status) -> signedIn().get(path).then().statusCode(status).contentType(containsString("text/html")));
        signedIn().get("/?state=SLEEPING").then().body(containsString("unknown state"));
        signedIn().header("HX-Request", "true").post("/ui/runs/nope/approve").then().statusCode(400);
        signedIn().header("HX-Request", "true").post("/ui/runs/" + UUID.randomUUID() + "/reject").then().statusCode(404);
        signedIn().header("HX-Request", "true").contentType("application/x-www-form-urlencoded").formParam("project", "none")
                .post("/ui/environments/nowhere/rollback").then().statusCode(404);
        signedIn().accept("text/event-stream").get("/ui/runs/not-a-uuid/events").then().statusCode(400);
    }

    @Test
    void anEnvironmentsReleasesAreShownAndRolledBackFromThePage() {
        String repo = "https://git.example/dash/" + UUID.randomUUID() + ".git";
        String env = "dash-env-" + UUID.randomUUID().toString().substring(0, 8);
        String project = Projects.ofRepository(repo);
        String first = sha();
        EnvironmentsApiTest.ledger(repo, env, 1, first, "VERIFIED", null, 0, 100);
        EnvironmentsApiTest.ledger(repo, env, 2, sha(), "VERIFIED", null, 0, 100);
        signedIn().get("/ui/environments").then().statusCode(200)
                .body(containsString("/ui/environments/" + env + "?project=" + java.net.URLEncoder.encode(project, java.nio.charset.StandardCharsets.UTF_8)));
        signedIn().queryParam("project", project).get("/ui/environments/" + env).then().statusCode(200)
                .body(containsString(first.substring(0, 12))).body(containsString("Restore"));
        signedIn().contentType("application/x-www-form-urlencoded").formParam("project", project)
                .post("/ui/environments/" + env + "/rollback").then().statusCode(401);
        signedIn().header("HX-Request", "true").contentType("application/x-www-form-urlencoded").formParam("project", project)
                .post("/ui/environments/" + env + "/rollback").then().statusCode(202).body(containsString("rollback requested"));
        assertThat(outbox(EventTypes.ENVIRONMENT_ROLLBACK)).anySatisfy(o -> assertThat(o.event).contains("\"environment\":\"" + env + "\"")
                .contains("\"releaseId\":\"" + env + "-1\""));
    }

    @Test
    void aRunsStreamPushesItsTransitions() throws Exception {
        String repo = "/repos/" + UUID.randomUUID();
        UUID run = startRun(repo, "refs/heads/main");
        HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + port + "/ui/runs/" + run + "/events").toURL().openConnection();
        c.setRequestProperty("Cookie", "sluice-token=" + ADMIN_TOKEN);
        c.setRequestProperty("Accept", "text/event-stream");
        c.setReadTimeout(20_000);
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentType()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("event:ready");
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = in.readLine()) != null;) {
                        if (line.startsWith("data:") && line.contains("VALIDATING")) {
                            return line;
                        }
                    }
                    return null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            analysis(run, 1, "APPROVE", SETTINGS_PROD).then().statusCode(200);
            assertThat(seen.get(15, TimeUnit.SECONDS)).contains(run.toString()).contains("\"from\":\"ANALYZING\"");
        } finally {
            c.disconnect();
        }
    }
}
