package dev.sluice.route.security;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import dev.sluice.route.dashboard.DashboardLogin;
import dev.sluice.delivery.ErrorBody;

/** Every refusal of the API's security is JSON naming the problem: 401 for a missing or refused token, 403 for a missing role. */
public class ApiSecurityErrors {
    private static final Logger LOG = Logger.getLogger(ApiSecurityErrors.class);

    @Inject
    SecurityIdentity identity;

    @ServerExceptionMapper(UnauthorizedException.class)
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers, HttpServerRequest request) {
        if (DashboardLogin.isDashboard(request.path())) {
            return DashboardLogin.toLogin(request);
        }
        if (AdminTokenMechanism.bearer(headers.getHeaderString(HttpHeaders.AUTHORIZATION)) != null) {
            return refused(null);
        }
        return challenge(ErrorBody.response(401, "this endpoint needs a bearer token: send 'Authorization: Bearer <token>' "
                + "(local mode: the token is in <data folder>/admin-token and in the ready line)"));
    }

    @ServerExceptionMapper(AuthenticationFailedException.class)
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        LOG.debugf(e, "bearer token refused");
        if (DashboardLogin.isDashboard(request.path()) && HttpMethod.GET.equals(request.method())) {
            return DashboardLogin.toLogin(request);
        }
        return refused(e.getMessage());
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        List<String> needed = ApiRoles.needed(request.method().name(), request.path());
        String who = identity == null || identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        List<String> has = identity == null ? List.of() : identity.getRoles().stream().sorted().toList();
        return ErrorBody.response(403, who + " may not " + request.method().name() + " " + request.path() + ": that needs one of the roles "
                + needed + ", and " + who + " has " + has,
                Map.of("principal", who, "roles", has, "needs", needed));
    }

    private static Response refused(String why) {
        return challenge(ErrorBody.response(401, "the bearer token was refused: it is not the admin token, and no configured "
                + "OIDC provider accepts it (bad signature, expired, wrong issuer or audience)"
                + (why == null || why.isBlank() ? "" : ": " + why)));
    }

    private static Response challenge(Response r) {
        return Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
