package dev.sluice.route.dashboard;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.vertx.core.http.HttpServerRequest;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.RootPage;
import dev.sluice.route.security.AdminTokenIdentityProvider;
import dev.sluice.route.security.AdminTokenMechanism;

/**
 * How a browser signs in to the dashboard: a form takes the admin token and, when it is the admin token, sets it as the
 * {@link AdminTokenMechanism#COOKIE} cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) that the API's mechanism
 * also reads. A page asked for without it redirects here; a wrong token is refused with 401 and the form again.
 */
@Path("/ui/login")
public class DashboardLogin {
    @Inject
    AdminTokenIdentityProvider adminToken;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response form(@QueryParam("next") String next) {
        return Response.ok(Pages.login(safeNext(next), null)).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response login(@FormParam("token") String token, @FormParam("next") String next, @jakarta.ws.rs.core.Context HttpServerRequest request) {
        String to = safeNext(next);
        if (token == null || token.isBlank() || !adminToken.matches(token.trim())) {
            return Response.status(401).entity(Pages.login(to, token == null || token.isBlank() ? "enter the admin token"
                    : "that is not the admin token")).build();
        }
        return Response.seeOther(URI.create(to)).cookie(cookie(token.trim(), https(request), -1)).build();
    }

    /** Signing out: the cookie is dropped (DashboardResource serves it at POST /ui/logout). */
    static Response logout(HttpServerRequest request) {
        return Response.seeOther(URI.create("/ui/login")).cookie(cookie("", https(request), 0)).build();
    }

    private static NewCookie cookie(String value, boolean secure, int maxAge) {
        return new NewCookie.Builder(AdminTokenMechanism.COOKIE).value(value).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    private static boolean https(HttpServerRequest request) {
        return request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }

    /** Where to go after signing in: a path of this server only (never another host), else the runs page. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.startsWith("/ui/log")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }

    /** The dashboard's pages, fragments, live streams and actions: what a browser without a session is sent to sign in for. */
    public static boolean isDashboard(String path) {
        return path != null && (path.equals("/") || path.equals(RootPage.PATH) || path.startsWith("/ui/") && !path.startsWith("/ui/login"));
    }

    /**
     * The answer to a dashboard request without a valid session: a page redirects to the login form (and back
     * afterwards); an htmx request gets 401 with {@code HX-Redirect}; a live stream 401.
     */
    public static Response toLogin(HttpServerRequest request) {
        String path = RootPage.PATH.equals(request.path()) ? "/" : request.path(); // GET / is rerouted to RootPage.PATH
        String next = path + (request.query() == null ? "" : "?" + request.query());
        URI login = URI.create("/ui/login?next=" + URLEncoder.encode(safeNext(next), StandardCharsets.UTF_8));
        String accept = request.getHeader("Accept");
        if (request.getHeader(AdminTokenMechanism.CSRF_HEADER) != null || accept != null && accept.contains("text/event-stream")
                || !"GET".equals(request.method().name())) {
            return Response.fromResponse(ErrorBody.response(401, "sign in first: " + login)).header("HX-Redirect", login.toString())
                    .build();
        }
        return Response.seeOther(login).build();
    }
}
