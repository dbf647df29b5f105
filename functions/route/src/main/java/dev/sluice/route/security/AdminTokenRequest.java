package dev.sluice.route.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token to compare with the static admin token; its own type so OIDC's provider never sees it. */
public final class AdminTokenRequest extends BaseAuthenticationRequest {
    private final String token;

    public AdminTokenRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
