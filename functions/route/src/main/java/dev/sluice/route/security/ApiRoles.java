package dev.sluice.route.security;

import java.util.List;

/**
 * The API's roles. Reading needs any of them; approving or rejecting a run needs approver; cancelling, retrying and
 * rolling back need operator; admin may do everything. An OIDC token's roles come from the claim named by
 * {@code quarkus.oidc.roles.role-claim-path}; other group names map onto these with {@code quarkus.http.auth.roles-mapping}.
 */
public final class ApiRoles {
    private ApiRoles() {
    }

    public static final String VIEWER = "viewer";
    public static final String APPROVER = "approver";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    /**
     * The roles a request needs, as the resources' {@code @RolesAllowed} say, for the 403's body: reads take any role,
     * approve and reject take approver, every other write operator (admin always).
     */
    public static List<String> needed(String method, String path) {
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return List.of(VIEWER, APPROVER, OPERATOR, ADMIN);
        }
        if (path != null && (path.endsWith("/approve") || path.endsWith("/reject"))) {
            return List.of(APPROVER, ADMIN);
        }
        return List.of(OPERATOR, ADMIN);
    }
}
