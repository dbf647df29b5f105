package dev.sluice.route.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.delivery.ErrorBody;
import dev.sluice.delivery.EventDispatcher;
import dev.sluice.delivery.InboxEntry;
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.StorableText;
import dev.sluice.events.Payloads.Push;
import dev.sluice.route.intake.PushNormalizer.Forge;
import dev.sluice.route.orchestration.RunOrchestrator;
import dev.sluice.run.Run;

/**
 * Raw forge webhooks: the signature is checked against the configured secret, the push is normalised into a
 * {@code dev.sluice.push} CloudEvent whose id is the forge's delivery id, and route handles it at once, so the answer
 * names the runs it started. A redelivery, or a replay under a new delivery id of the same repository, ref, before and
 * after, starts no second run. A wrong or missing signature gets 401 and starts nothing.
 */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes("*/*")
public class WebhookResource {
    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    @ConfigProperty(name = "sluice.webhooks.github.secret")
    Optional<String> githubSecret;
    @ConfigProperty(name = "sluice.webhooks.gitlab.secret")
    Optional<String> gitlabSecret;
    @ConfigProperty(name = "sluice.webhooks.gitea.secret")
    Optional<String> giteaSecret;
    @ConfigProperty(name = "sluice.webhooks.bitbucket.secret")
    Optional<String> bitbucketSecret;
    @ConfigProperty(name = "sluice.webhooks.bitbucket-server.secret")
    Optional<String> bitbucketServerSecret;
    /** Bitbucket Data Center's base URL, for payloads without clone links: {@code <url>/scm/<project>/<slug>.git}. */
    @ConfigProperty(name = "sluice.webhooks.bitbucket-server.url")
    Optional<String> bitbucketServerUrl;

    @Inject
    OutboxRelay relay;
    @Inject
    RouteEvents routeEvents;

    @POST
    @Path("github")
    public Response github(@HeaderParam("X-GitHub-Event") String eventName, @HeaderParam("X-GitHub-Delivery") String delivery,
            @HeaderParam("X-Hub-Signature-256") String signature, byte[] body) {
        Optional<String> secret = githubSecret.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured("github");
        }
        if (!WebhookSignatures.githubValid(secret.get(), body, signature)) {
            return ErrorBody.response(401, signature == null ? "missing X-Hub-Signature-256 header" : "X-Hub-Signature-256 does not match the configured secret");
        }
        if ("ping".equals(eventName)) {
            return Response.ok(Map.of("pong", true)).build();
        }
        if (!"push".equals(eventName)) {
            return ignored("github event '" + eventName + "' is not a push");
        }
        return accept(Forge.GITHUB, "github", delivery, body);
    }

    @POST
    @Path("gitlab")
    public Response gitlab(@HeaderParam("X-Gitlab-Event") String eventName, @HeaderParam("X-Gitlab-Token") String token,
            @HeaderParam("X-Gitlab-Event-UUID") String delivery, byte[] body) {
        Optional<String> secret = gitlabSecret.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured("gitlab");
        }
        if (!WebhookSignatures.tokenMatches(secret.get(), token)) {
            return ErrorBody.response(401, token == null ? "missing X-Gitlab-Token header" : "X-Gitlab-Token does not match the configured secret");
        }
        if (!"Push Hook".equals(eventName) && !"Tag Push Hook".equals(eventName) && !"System Hook".equals(eventName)) {
            return ignored("gitlab event '" + eventName + "' is not a push");
        }
        if ("System Hook".equals(eventName)) {
            // a system hook carries every instance event: only its pushes and tag pushes are runs
            String kind;
            try {
                JsonNode tree = tree("gitlab", body);
                kind = tree.path("event_name").asText(tree.path("object_kind").asText(""));
                if (kind.isEmpty()) {
                    throw new BadEventException("gitlab system hook names no event_name");
                }
            } catch (BadEventException e) {
                return ErrorBody.badInput(e);
            }
            if (!"push".equals(kind) && !"tag_push".equals(kind)) {
                return ignored("gitlab system hook event '" + kind + "' is not a push");
            }
        }
        return accept(Forge.GITLAB, "gitlab", delivery, body);
    }

    /**
     * Gitea, Forgejo and Gogs send the same push payload; Forgejo signs and names its events with its own headers
     * ({@code X-Forgejo-*}) and, for now, the Gitea copies too: either is enough. A tag pushed also arrives as
     * {@code create} with {@code ref_type} tag, which starts the tag's run (the tag's {@code push}, which Gitea sends as
     * well, is then the same push: one run). A branch's {@code create} is ignored: its push event starts its run.
     */
    @POST
    @Path("gitea")
    public Response gitea(@HeaderParam("X-Gitea-Event") String giteaEvent, @HeaderParam("X-Forgejo-Event") String forgejoEvent,
            @HeaderParam("X-Gogs-Event") String gogsEvent, @HeaderParam("X-Gitea-Signature") String giteaSignature,
            @HeaderParam("X-Forgejo-Signature") String forgejoSignature, @HeaderParam("X-Gogs-Signature") String gogsSignature,
            @HeaderParam("X-Gitea-Delivery") String giteaDelivery, @HeaderParam("X-Forgejo-Delivery") String forgejoDelivery,
            @HeaderParam("X-Gogs-Delivery") String gogsDelivery, byte[] body) {
        Optional<String> secret = giteaSecret.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured("gitea");
        }
        String signature = firstOf(forgejoSignature, giteaSignature, gogsSignature);
        if (!WebhookSignatures.hexHmacMatches(secret.get(), body, signature)) {
            return ErrorBody.response(401, signature == null ? "missing X-Gitea-Signature (or X-Forgejo-Signature) header"
                    : "X-Gitea-Signature (or X-Forgejo-Signature) does not match the configured secret");
        }
        String eventName = firstOf(forgejoEvent, giteaEvent, gogsEvent);
        String delivery = firstOf(forgejoDelivery, giteaDelivery, gogsDelivery);
        if ("create".equals(eventName)) {
            return giteaCreate(delivery, body);
        }
        if (eventName != null && !"push".equals(eventName)) {
            return ignored("gitea event '" + eventName + "' is not a push");
        }
        return accept(Forge.GITEA, "gitea", delivery, body);
    }

    private Response giteaCreate(String delivery, byte[] body) {
        Push push;
        try {
            JsonNode tree = tree("gitea", body);
            JsonNode refType = tree.get("ref_type");
            if (refType == null || !refType.isTextual()) {
                throw new BadEventException("gitea create event has no ref_type (tag or branch)");
            }
            if (!"tag".equals(refType.asText())) {
                return ignored("gitea create event of a " + refType.asText() + " is not a tag (a new branch starts its run by its"
                        + " push event)");
            }
            push = PushNormalizer.giteaTag(tree);
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        if (push == null) {
            return ignored("gitea create event of a tag names no commit (sha), as Gogs and old Gitea versions send it (its push event"
                    + " starts its run)");
        }
        return startAll("gitea", delivery, List.of(push));
    }

    /**
     * Bitbucket Cloud ({@code repo:push}) and Bitbucket Data Center / Server ({@code repo:refs_changed}) share this path;
     * both sign with {@code X-Hub-Signature} ("sha256=" + hex HMAC-SHA256, as GitHub's), each against its own secret.
     * Data Center is told apart by its event keys ({@code repo:refs_changed}, {@code pr:...}), its {@code X-Request-Id}
     * (Cloud sends {@code X-Request-UUID}), or, without an event key, by its payload ({@code eventKey}, a top-level
     * {@code changes} array). One webhook may change several refs: each becomes its own {@code dev.sluice.push}.
     */
    @POST
    @Path("bitbucket")
    public Response bitbucket(@HeaderParam("X-Event-Key") String eventKey, @HeaderParam("X-Request-UUID") String delivery,
            @HeaderParam("X-Request-Id") String serverDelivery, @HeaderParam("X-Hub-Signature") String signature, byte[] body) {
        if (isBitbucketServer(eventKey, delivery, serverDelivery, body)) {
            return bitbucketServer(eventKey, serverDelivery, signature, body);
        }
        Response refused = bitbucketRefused("bitbucket", bitbucketSecret, eventKey, signature, body);
        if (refused != null) {
            return refused;
        }
        if (!"repo:push".equals(eventKey)) {
            return ignored("bitbucket event '" + eventKey + "' is not a push");
        }
        List<Push> pushes;
        try {
            pushes = PushNormalizer.bitbucket(tree("bitbucket", body));
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        return startAll("bitbucket", delivery, pushes);
    }

    private Response bitbucketServer(String eventKey, String delivery, String signature, byte[] body) {
        Response refused = bitbucketRefused("bitbucket-server", bitbucketServerSecret, eventKey, signature, body);
        if (refused != null) {
            return refused;
        }
        List<Push> pushes;
        try {
            JsonNode tree = tree("bitbucket-server", body);
            String key = eventKey != null ? eventKey : tree.path("eventKey").asText(null);
            if (!"repo:refs_changed".equals(key)) {
                return ignored("bitbucket-server event '" + key + "' is not a push");
            }
            pushes = PushNormalizer.bitbucketServer(tree, bitbucketServerUrl.orElse(null));
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        return startAll("bitbucket-server", delivery, pushes);
    }

    /** 401 without the forge's secret or a matching {@code X-Hub-Signature}, 200 for a signed ping, else null: go on. */
    private static Response bitbucketRefused(String forge, Optional<String> configured, String eventKey, String signature, byte[] body) {
        Optional<String> secret = configured.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured(forge);
        }
        if (!WebhookSignatures.githubValid(secret.get(), body, signature)) {
            return ErrorBody.response(401, signature == null ? "missing X-Hub-Signature header" : "X-Hub-Signature does not match the configured secret");
        }
        return "diagnostics:ping".equals(eventKey) ? Response.ok(Map.of("pong", true)).build() : null;
    }

    /** Event keys only Bitbucket Data Center / Server sends (Cloud's are repo:push, pullrequest:..., issue:...). */
    static boolean isBitbucketServer(String eventKey, String cloudDelivery, String serverDelivery, byte[] body) {
        if (eventKey != null) {
            if (eventKey.equals("repo:refs_changed") || eventKey.startsWith("pr:") || eventKey.startsWith("repo:comment:")
                    || eventKey.startsWith("mirror:") || eventKey.startsWith("project:") || eventKey.equals("repo:modified")
                    || eventKey.equals("repo:forked") || eventKey.equals("repo:secret_detected")) {
                return true;
            }
            return serverDelivery != null && cloudDelivery == null && !eventKey.equals("repo:push")
                    && !eventKey.startsWith("pullrequest:") && !eventKey.startsWith("issue:");
        }
        if (serverDelivery != null && cloudDelivery == null) {
            return true;
        }
        try {
            JsonNode tree = EventCodec.json().readTree(body);
            return tree != null && (tree.has("eventKey") || tree.path("changes").isArray());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Starts a run for each push of one delivery: event ids {@code <forge>-<delivery>}, then -0, -1, ... for several. */
    private Response startAll(String name, String delivery, List<Push> pushes) {
        String base = eventId(name, delivery);
        Started started = new Started();
        try {
            for (int i = 0; i < pushes.size(); i++) {
                start(name, pushes.size() == 1 ? base : base + "-" + i, pushes.get(i), started);
            }
        } catch (BadEventException e) {
            return ErrorBody.response(400, e.getMessage(), Map.of("runs", started.runs));
        }
        return started.answer(body("accepted", true, "eventId", base));
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private Response accept(Forge forge, String name, String delivery, byte[] body) {
        Push push;
        try {
            push = PushNormalizer.normalize(forge, tree(name, body));
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        return startAll(name, delivery, List.of(push));
    }

    /**
     * The dev.sluice.push event id for a forge's delivery id, so a redelivered webhook is the same event; a delivery id
     * too long for an event id (the inbox holds 500 characters) is replaced by its SHA-256, which is just as stable.
     */
    static String eventId(String forge, String delivery) {
        if (delivery == null || delivery.isBlank()) {
            return forge + "-" + UUID.randomUUID();
        }
        if (delivery.length() > 200) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(delivery.getBytes(StandardCharsets.UTF_8));
                return forge + "-sha256-" + HexFormat.of().formatHex(d);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return forge + "-" + delivery;
    }

    /** What a webhook's pushes became: the runs they started or found, and why a ref started none. */
    private static final class Started {
        final List<Map<String, Object>> runs = new ArrayList<>();
        final List<Map<String, Object>> skipped = new ArrayList<>();
        boolean anyNew;

        /** 202 when a run was started now, 200 when every push was a replay or started nothing. */
        Response answer(Map<String, Object> head) {
            head.put("runs", runs);
            head.put("skipped", skipped);
            return Response.status(anyNew ? 202 : 200).entity(head).type(MediaType.APPLICATION_JSON).build();
        }
    }

    /**
     * Handles one push here, as if the broker had delivered its {@code dev.sluice.push} to route, so the answer can name
     * the run: the run is made, its analysis request and anything else route emits go to the outbox, all in one
     * transaction with the inbox row that makes a redelivery of the same event id a no-op. A push with the same
     * repository, ref, before and after as an earlier run (a replay under a new delivery id) starts nothing and names
     * that run; an advisory lock on that key makes concurrent replays wait for the first.
     */
    private void start(String name, String id, Push push, Started started) {
        if (PushNormalizer.isDeletion(push)) {
            started.skipped.add(body("ref", push.ref(), "eventId", id, "reason", push.ref() + " was deleted: nothing to deploy"));
            return;
        }
        String before = PushNormalizer.isNewRef(push) ? null : push.before();
        CloudEvent event = EventCodec.event(id, EventTypes.PUSH, EventTypes.source("route") + "/webhooks/" + name, null, push);
        for (int attempt = 1;; attempt++) {
            try {
                Map<String, Object> run = QuarkusTransaction.requiringNew().call(() -> startOnce(event, push, before));
                if (Boolean.TRUE.equals(run.remove("skip"))) {
                    started.skipped.add(run);
                    return;
                }
                if (Boolean.TRUE.equals(run.remove("new"))) {
                    started.anyNew = true;
                    relay.wake();
                    LOG.infof("%s webhook: push of %s to %s started run %s (event %s)", name, push.after(), push.ref(), run.get("id"), id);
                }
                started.runs.add(run);
                return;
            } catch (RuntimeException e) {
                for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                    if (c instanceof BadEventException bad) {
                        throw bad; // route refused the push: a 400 for the caller
                    }
                }
                if (!EventDispatcher.isConflict(e) || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private Map<String, Object> startOnce(CloudEvent event, Push push, String before) {
        Run.getEntityManager().createNativeQuery("select pg_advisory_xact_lock(?1)")
                .setParameter(1, replayLock(push.repository().url(), push.ref(), before, push.after())).getSingleResult();
        Run earlier = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 and afterSha = ?3 and "
                + (before == null ? "beforeSha is null" : "beforeSha = ?4") + " order by createdAt",
                before == null ? new Object[] { push.repository().url(), push.ref(), push.after() }
                        : new Object[] { push.repository().url(), push.ref(), push.after(), before })
                .firstResult();
        if (earlier == null && InboxEntry.find(RunOrchestrator.FUNCTION, event.getSource().toString(), event.getId()) != null) {
            // this very delivery was handled before: name what it started
            earlier = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 and causeEventId = ?3", push.repository().url(), push.ref(),
                    event.getId()).firstResult();
            if (earlier == null) {
                return body("skip", true, "ref", push.ref(), "eventId", event.getId(), "reason", "this delivery was handled before and started no run");
            }
        }
        if (earlier != null) {
            Map<String, Object> run = runBody(earlier, event.getId());
            run.put("replay", true);
            run.put("reason", "the same push (repository, ref, before and after) already started run " + earlier.id + ": no second run");
            return run;
        }
        List<CloudEvent> out = routeEvents.handle(event);
        out.stream().filter(e -> e != null).forEach(OutboxEvent::add);
        InboxEntry entry = new InboxEntry();
        entry.consumer = RunOrchestrator.FUNCTION;
        entry.eventSource = event.getSource().toString();
        entry.eventId = event.getId();
        entry.eventType = event.getType();
        entry.reply = out.isEmpty() || out.get(0) == null ? null : EventCodec.toStructuredString(out.get(0));
        entry.receivedAt = Instant.now();
        entry.persist();
        Run made = Run.<Run> find("repositoryUrl = ?1 and ref = ?2 and causeEventId = ?3", push.repository().url(), push.ref(),
                event.getId()).firstResult();
        if (made == null) {
            return body("skip", true, "ref", push.ref(), "eventId", event.getId(), "reason", "route started no run for this push");
        }
        Map<String, Object> run = runBody(made, event.getId());
        run.put("new", true);
        return run;
    }

    private static Map<String, Object> runBody(Run run, String eventId) {
        return body("id", run.id, "ref", run.ref, "sha", run.afterSha, "state", run.state.name(), "eventId", eventId);
    }

    /** The advisory lock key of a push: the first 8 bytes of the SHA-256 of repository, ref, before and after. */
    static long replayLock(String repository, String ref, String before, String after) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.join("\n", "sluice-push", repository, ref,
                    before == null ? "" : before, after).getBytes(StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body as a JSON object; anything else is a BadEventException (a 400) naming the forge. */
    private static JsonNode tree(String name, byte[] body) {
        try {
            JsonNode tree = EventCodec.json().readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new BadEventException(name + " webhook body must be a JSON object");
            }
            StorableText.requireTree("body", tree);
            return tree;
        } catch (JsonProcessingException e) {
            throw new BadEventException(name + " webhook body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadEventException(name + " webhook body cannot be read: " + e.getMessage());
        }
    }

    private static Response unconfigured(String forge) {
        return ErrorBody.response(401, "no secret is configured for " + forge + " webhooks (sluice.webhooks." + forge
                + ".secret): unsigned webhooks are refused");
    }

    private static Response ignored(String reason) {
        return Response.accepted(body("accepted", true, "ignored", true, "runs", List.of(), "reason", reason + ": ignored")).build();
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
