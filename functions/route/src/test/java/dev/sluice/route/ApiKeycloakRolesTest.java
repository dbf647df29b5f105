package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import dev.sluice.run.RunState;
import dev.sluice.testing.PostgresTestResource;

/** The configuration the README gives for Keycloak: roles from realm_access/roles, a group of one's own mapped onto a role. */
@QuarkusTest
@TestProfile(ApiKeycloakRolesTest.KeycloakRealmRoles.class)
@QuarkusTestResource(PostgresTestResource.class)
class ApiKeycloakRolesTest {

    public static class KeycloakRealmRoles implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.roles.role-claim-path", "realm_access/roles",
                    "quarkus.http.auth.roles-mapping.\"sluice-approvers\"", "approver");
        }
    }

    private static String keycloakToken(String user, List<String> realmRoles, String... groups) {
        return Jwt.issuer(TEST_ISSUER).audience("sluice-api").claim("preferred_username", user)
                .claim("realm_access", Map.of("roles", realmRoles)).groups(Set.of(groups)).expiresIn(300).sign(testSigningKey());
    }

    @Test
    void rolesComeFromTheConfiguredClaimAndMappedGroupNamesCount() {
        UUID run = startRun("/repos/" + UUID.randomUUID(), "refs/heads/main");
        // "admin" in groups is not the configured claim: no role at all
        bearer(keycloakToken("gus", List.of(), "admin")).post("/runs/" + run + "/cancel").then().statusCode(403)
                .body("principal", is("gus")).body("roles", empty());
        // a realm role of the organisation's own naming, mapped onto approver: may approve, may not cancel
        String kim = keycloakToken("kim", List.of("sluice-approvers"));
        bearer(kim).post("/runs/" + run + "/cancel").then().statusCode(403).body("roles", hasItem("approver"));
        bearer(kim).post("/runs/" + run + "/approve").then().statusCode(409).body("error", containsString("ANALYZING"));
        bearer(keycloakToken("ola", List.of("operator"))).post("/runs/" + run + "/cancel").then().statusCode(200);
        assertThat(state(run)).isEqualTo(RunState.CANCELLED);
        api().get("/runs/" + run).then().body("transitions.find { it.to == 'CANCELLED' }.actor", is("ola"));
    }
}
