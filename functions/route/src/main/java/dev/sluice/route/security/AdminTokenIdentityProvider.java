package dev.sluice.route.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The static admin token ({@code sluice.api.admin-token}): local mode generates one into its data folder; in a
 * cluster it is an optional break-glass secret beside OIDC. A token that matches is the principal {@link #PRINCIPAL}
 * with the admin role; any other gives no identity, so OIDC may still judge it.
 */
@ApplicationScoped
public class AdminTokenIdentityProvider implements IdentityProvider<AdminTokenRequest> {
    /** Who a transition made with the admin token names as its actor. */
    public static final String PRINCIPAL = "admin-token";

    @ConfigProperty(name = "sluice.api.admin-token")
    Optional<String> adminToken;

    @Override
    public Class<AdminTokenRequest> getRequestType() {
        return AdminTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AdminTokenRequest request, AuthenticationRequestContext context) {
        if (!matches(request.token())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(PRINCIPAL))
                .addRole(ApiRoles.ADMIN).build());
    }

    boolean configured() {
        return adminToken.filter(t -> !t.isBlank()).isPresent();
    }

    /** Compared in constant time: the answer's timing tells nothing about how much of a guess was right. */
    public boolean matches(String token) {
        return configured() && token != null && MessageDigest.isEqual(adminToken.get().trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
