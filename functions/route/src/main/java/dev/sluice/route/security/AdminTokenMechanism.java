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
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <token>} for the API. Runs before OIDC's mechanism: the static admin token is
 * recognised here, anything else is left to OIDC (when it is configured). With {@code sluice.api.read-open=true} a
 * GET or HEAD without a token is an anonymous viewer; writes always need a token.
 * <p>
 * A browser signed in on the dashboard's login page sends the admin token in the {@link #COOKIE} cookie (HttpOnly,
 * SameSite=Strict) instead of the header. Against cross-site request forgery, a request authenticated by that cookie
 * may change something (any method but GET and HEAD) only with the header {@code HX-Request: true}, which htmx sets and
 * another site cannot make a browser send (route answers no CORS preflight); without it the request is refused (401).
 */
@ApplicationScoped
public class AdminTokenMechanism implements HttpAuthenticationMechanism {
    /** The cookie the dashboard's login sets: the admin token, for the browser that logged in. */
    public static final String COOKIE = "sluice-token";
    /** The header a request signed in by cookie must carry to change anything (htmx sends it on every request). */
    public static final String CSRF_HEADER = "HX-Request";

    /** The principal of an anonymous reader when reads are open. */
    public static final String ANONYMOUS_READER = "anonymous";

    @ConfigProperty(name = "sluice.api.read-open", defaultValue = "false")
    boolean readOpen;

    @Inject
    AdminTokenIdentityProvider provider;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        String token = bearer(authorization);
        HttpMethod method = context.request().method();
        boolean safe = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        boolean byCookie = false;
        if (authorization == null) {
            Cookie cookie = context.request().getCookie(COOKIE);
            if (cookie != null && !cookie.getValue().isBlank()) {
                token = cookie.getValue();
                byCookie = true;
            }
        }
        if (token == null) {
            if (readOpen && safe) {
                return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(ANONYMOUS_READER))
                        .addRole(ApiRoles.VIEWER).build());
            }
            return Uni.createFrom().nullItem();
        }
        if (!provider.configured()) {
            return Uni.createFrom().nullItem();
        }
        if (byCookie && !safe && !"true".equalsIgnoreCase(context.request().getHeader(CSRF_HEADER))) {
            return Uni.createFrom().failure(new AuthenticationFailedException("a request signed in by the dashboard's cookie "
                    + "changes nothing without the header '" + CSRF_HEADER + ": true' (cross-site request forgery)"));
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
