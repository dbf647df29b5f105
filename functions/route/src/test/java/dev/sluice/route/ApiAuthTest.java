package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import dev.sluice.events.EventTypes;
import dev.sluice.run.RunState;
import dev.sluice.testing.PostgresTestResource;

/**
 * The runs and environments API needs a bearer token (the static admin token or an OIDC JWT, here signed with the test
 * key); roles decide what a token may do; every refusal is JSON; the actor of a transition is the principal.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ApiAuthTest {

    private record Call(String method, String path) {
    }

    private static List<Call> everyEndpoint(UUID run) {
        return List.of(new Call("GET", "/runs"), new Call("GET", "/runs/" + run), new Call("GET", "/runs/" + run + "/analysis"),
                new Call("GET", "/runs/" + run + "/validation"), new Call("GET", "/runs/" + run + "/deployment"),
                new Call("POST", "/runs/" + run + "/approve"), new Call("POST", "/runs/" + run + "/reject"),
                new Call("POST", "/runs/" + run + "/cancel"), new Call("POST", "/runs/" + run + "/retry"),
                new Call("GET", "/environments"), new Call("GET", "/environments/production/releases"),
                new Call("POST", "/environments/production/rollback"));
    }

    private static io.restassured.response.Response call(RequestSpecification r, Call c) {
        return c.method().equals("GET") ? r.get(c.path()) : r.post(c.path());
    }

    /** A run waiting for approval, headed for an environment of its own. */
    private static UUID awaitingApproval() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        String settings = "{\"environment\":\"auth-" + UUID.randomUUID() + "\",\"namespace\":\"shop\",\"strategy\":\"canary\",\"approval\":\"auto\"}";
        analysis(run, 1, "NEEDS_REVIEW", settings).then().statusCode(200);
        validation(run, 1, true, "ok").then().statusCode(204);
        assertThat(state(run)).isEqualTo(RunState.AWAITING_APPROVAL);
        return run;
    }

    @Test
    void everyApiEndpointWithoutATokenGets401WithJsonAndABearerChallengeAndChangesNothing() {
        UUID run = awaitingApproval();
        for (Call c : everyEndpoint(run)) {
            call(given(), c).then().statusCode(401).contentType("application/json").header("WWW-Authenticate", "Bearer")
                    .body("status", is(401)).body("error", containsString("needs a bearer token"));
            // another scheme is no bearer token either
            call(given().header("Authorization", "Basic YWRtaW46YWRtaW4="), c).then().statusCode(401)
                    .body("error", containsString("needs a bearer token"));
        }
        assertThat(state(run)).isEqualTo(RunState.AWAITING_APPROVAL);
        assertThat(outbox("dev.sluice.environment.rollback")).noneMatch(o -> o.event.contains("production"));
    }

    @Test
    void aWrongAdminTokenAJwtSignedWithAnotherKeyAnExpiredOneAndOneFromAnotherIssuerGet401WithJson() throws Exception {
        UUID run = awaitingApproval();
        var otherKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        long now = System.currentTimeMillis() / 1000;
        List<String> refused = List.of(
                "test-admin-token-but-longer",
                "not.a.jwt",
                Jwt.issuer(TEST_ISSUER).audience("sluice-api").upn("eve").groups(Set.of("admin")).expiresIn(300).sign(otherKey),
                Jwt.issuer(TEST_ISSUER).audience("sluice-api").upn("eve").groups(Set.of("admin")).issuedAt(now - 3600)
                        .expiresAt(now - 1800).sign(testSigningKey()),
                Jwt.issuer("https://elsewhere.example").audience("sluice-api").upn("eve").groups(Set.of("admin")).expiresIn(300)
                        .sign(testSigningKey()),
                Jwt.issuer(TEST_ISSUER).audience("another-api").upn("eve").groups(Set.of("admin")).expiresIn(300).sign(testSigningKey()));
        for (String token : refused) {
            bearer(token).get("/runs").then().statusCode(401).contentType("application/json").header("WWW-Authenticate", "Bearer")
                    .body("error", containsString("bearer token was refused"));
            bearer(token).post("/runs/" + run + "/approve").then().statusCode(401).body("error", containsString("refused"));
        }
        assertThat(state(run)).isEqualTo(RunState.AWAITING_APPROVAL);
    }

    @Test
    void aViewerReadsButMayNotActAndEach403NamesTheRolesNeeded() {
        UUID run = awaitingApproval();
        String viewer = jwt("vera", "viewer");
        bearer(viewer).get("/runs/" + run).then().statusCode(200).body("state", is("AWAITING_APPROVAL"));
        bearer(viewer).get("/environments").then().statusCode(200);
        bearer(viewer).post("/runs/" + run + "/approve").then().statusCode(403).contentType("application/json")
                .body("status", is(403)).body("principal", is("vera")).body("roles", contains("viewer"))
                .body("needs", contains("approver", "admin")).body("error", containsString("vera may not POST /runs/" + run + "/approve"));
        bearer(viewer).post("/runs/" + run + "/cancel").then().statusCode(403).body("needs", contains("operator", "admin"));
        bearer(viewer).post("/environments/production/rollback").then().statusCode(403).body("needs", contains("operator", "admin"));
        // a token with no role at all may not even read
        bearer(jwt("nobody")).get("/runs").then().statusCode(403).body("roles", empty())
                .body("needs", contains("viewer", "approver", "operator", "admin"));
        assertThat(state(run)).isEqualTo(RunState.AWAITING_APPROVAL);
    }

    @Test
    void anApproverApprovesAndRejectsButMayNotCancelAnOperatorCancelsButMayNotApprove() {
        UUID approved = awaitingApproval();
        String approver = jwt("april", "approver");
        String operator = jwt("otto", "operator");
        bearer(operator).post("/runs/" + approved + "/approve").then().statusCode(403);
        bearer(approver).post("/runs/" + approved + "/cancel").then().statusCode(403);
        assertThat(state(approved)).isEqualTo(RunState.AWAITING_APPROVAL);
        bearer(approver).post("/runs/" + approved + "/approve").then().statusCode(200).body("state", is("DEPLOYING"));

        UUID rejected = awaitingApproval();
        bearer(approver).post("/runs/" + rejected + "/reject").then().statusCode(200).body("state", is("REJECTED"));

        UUID cancelled = awaitingApproval();
        bearer(operator).post("/runs/" + cancelled + "/cancel").then().statusCode(200).body("state", is("CANCELLED"));
        bearer(operator).post("/runs/" + cancelled + "/retry").then().statusCode(201);
        bearer(approver).post("/runs/" + rejected + "/retry").then().statusCode(403);
    }

    @Test
    void theActorOfATransitionIsTheAuthenticatedPrincipalNeverTheBodysByAndAutomaticOnesNameTheFunction() {
        UUID run = awaitingApproval();
        bearer(jwt("alice", "approver", "unrelated-group")).contentType("application/json")
                .body("{\"by\":\"mallory\",\"reason\":\"looked at the diff\"}").post("/runs/" + run + "/approve").then().statusCode(200);
        api().get("/runs/" + run).then().statusCode(200)
                .body("transitions.find { it.to == 'QUEUED' }.actor", is("alice"))
                .body("transitions.find { it.to == 'QUEUED' }.reason", is("approved by alice: looked at the diff"))
                .body("transitions.find { it.to == 'RECEIVED' }.actor", is("route"))
                .body("transitions.find { it.to == 'VALIDATING' }.actor", is("analyze"))
                .body("transitions.find { it.to == 'AWAITING_APPROVAL' }.actor", is("validate"))
                .body("transitions.actor", not(hasItem("mallory")));

        UUID cancelled = awaitingApproval();
        api().post("/runs/" + cancelled + "/cancel").then().statusCode(200);
        api().get("/runs/" + cancelled).then().body("transitions.find { it.to == 'CANCELLED' }.actor", is("admin-token"));

        // a command sent as an event names its sender, whatever "by" its data claims; a deployment result names deploy
        UUID byEvent = awaitingApproval();
        result(EventTypes.RUN_APPROVE, "{\"runId\":\"" + byEvent + "\",\"by\":\"admin\"}").then().statusCode(200);
        deployment(byEvent, 1, "VERIFIED").then().statusCode(200);
        api().get("/runs/" + byEvent).then().body("state", is("SUCCEEDED"))
                .body("transitions.find { it.to == 'QUEUED' }.actor", startsWith("event /"))
                .body("transitions.find { it.to == 'QUEUED' }.actor", not(containsString("admin")))
                .body("transitions.find { it.to == 'SUCCEEDED' }.actor", is("deploy"));
    }

    @Test
    void theCloudEventsIngressAndTheWebhooksNeedNoTokenAndIgnoreAnInvalidOne() {
        // a broker that sends its own OIDC identity (Knative sender identity) must not be refused by the API's security
        given().header("Authorization", "Bearer not-for-this-api").contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", "dev.sluice.push").header("ce-source", "/test")
                .body("{\"repository\":{\"url\":\"/repos/" + UUID.randomUUID() + "\",\"name\":\"r\"},\"ref\":\"refs/heads/main\",\"after\":\""
                        + sha() + "\"}")
                .post("/").then().statusCode(200).header("ce-type", "dev.sluice.analysis.requested");
        given().header("Authorization", "Bearer not-for-this-api").header("X-GitHub-Event", "ping").contentType("application/json")
                .body("{}").post("/webhooks/github").then().statusCode(401).body("error", containsString("X-Hub-Signature-256"));
        given().header("Authorization", "Bearer not-for-this-api").get("/dead-letter").then().statusCode(200);
    }
}
