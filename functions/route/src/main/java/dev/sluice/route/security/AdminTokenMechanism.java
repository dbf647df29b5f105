package dev.sluice.route.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <token>} for the API. Runs before OIDC's mechanism: the static admin token is
 * recognised here, anything else is left to OIDC (when it is configured). With {@code sluice.api.read-open=true} a
 * GET or HEAD without a token is an anonymous viewer; writes always need a token.
 */
@ApplicationScoped
public class AdminTokenMechanism implements HttpAuthenticationMechanism {
    /** The principal of an anonymous reader when reads are open. */
    public static final String ANONYMOUS_READER = "anonymous";

    @ConfigProperty(name = "sluice.api.read-open", defaultValue = "false")
    boolean readOpen;

    @Inject
    AdminTokenIdentityProvider provider;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String token = bearer(context.request().getHeader(HttpHeaderNames.AUTHORIZATION));
        if (token == null) {
            HttpMethod method = context.request().method();
            if (readOpen && (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))) {
                return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(ANONYMOUS_READER))
                        .addRole(ApiRoles.VIEWER).build());
            }
            return Uni.createFrom().nullItem();
        }
        if (!provider.configured()) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(new AdminTokenRequest(token))
                .onFailure(AuthenticationFailedException.class).recoverWithNull();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(HttpResponseStatus.UNAUTHORIZED.code(), HttpHeaderNames.WWW_AUTHENTICATE, "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(AdminTokenRequest.class);
    }

    /** Before OIDC's bearer mechanism, which would refuse a token that is not a JWT instead of passing it on. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 500;
    }

    /** The token of an {@code Authorization: Bearer} header; null for no header or another scheme. */
    static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
