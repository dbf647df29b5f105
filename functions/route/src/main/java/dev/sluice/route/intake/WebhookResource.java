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
        return accept(Forge.GITLAB, "gitlab", delivery, body);
    }

    /** Gitea, Forgejo and Gogs send the same push payload. */
    @POST
    @Path("gitea")
    public Response gitea(@HeaderParam("X-Gitea-Event") String giteaEvent, @HeaderParam("X-Gogs-Event") String gogsEvent,
            @HeaderParam("X-Gitea-Signature") String giteaSignature, @HeaderParam("X-Gogs-Signature") String gogsSignature,
            @HeaderParam("X-Gitea-Delivery") String giteaDelivery, @HeaderParam("X-Gogs-Delivery") String gogsDelivery, byte[] body) {
        Optional<String> secret = giteaSecret.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured("gitea");
        }
        String signature = giteaSignature != null ? giteaSignature : gogsSignature;
        if (!WebhookSignatures.hexHmacMatches(secret.get(), body, signature)) {
            return ErrorBody.response(401, signature == null ? "missing X-Gitea-Signature header" : "X-Gitea-Signature does not match the configured secret");
        }
        String eventName = giteaEvent != null ? giteaEvent : gogsEvent;
        if (eventName != null && !"push".equals(eventName)) {
            return ignored("gitea event '" + eventName + "' is not a push");
        }
        return accept(Forge.GITEA, "gitea", giteaDelivery != null ? giteaDelivery : gogsDelivery, body);
    }

    /**
     * Bitbucket Cloud: {@code X-Hub-Signature} ("sha256=" + hex HMAC-SHA256, as GitHub's) against the configured
     * secret. One webhook may change several refs: each becomes its own {@code dev.sluice.push}.
     */
    @POST
    @Path("bitbucket")
    public Response bitbucket(@HeaderParam("X-Event-Key") String eventKey, @HeaderParam("X-Request-UUID") String delivery,
            @HeaderParam("X-Hub-Signature") String signature, byte[] body) {
        Optional<String> secret = bitbucketSecret.filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return unconfigured("bitbucket");
        }
        if (!WebhookSignatures.githubValid(secret.get(), body, signature)) {
            return ErrorBody.response(401, signature == null ? "missing X-Hub-Signature header" : "X-Hub-Signature does not match the configured secret");
        }
        if ("diagnostics:ping".equals(eventKey)) {
            return Response.ok(Map.of("pong", true)).build();
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
        String base = eventId("bitbucket", delivery);
        Started started = new Started();
        try {
            for (int i = 0; i < pushes.size(); i++) {
                start("bitbucket", pushes.size() == 1 ? base : base + "-" + i, pushes.get(i), started);
            }
        } catch (BadEventException e) {
            return ErrorBody.response(400, e.getMessage(), Map.of("runs", started.runs));
        }
        return started.answer(body("accepted", true));
    }

    private Response accept(Forge forge, String name, String delivery, byte[] body) {
        Push push;
        try {
            push = PushNormalizer.normalize(forge, tree(name, body));
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        String id = eventId(name, delivery);
        Started started = new Started();
        try {
            start(name, id, push, started);
        } catch (BadEventException e) {
            return ErrorBody.response(400, e.getMessage());
        }
        return started.answer(body("accepted", true, "eventId", id));
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
        return Response.accepted(body("accepted", true, "runs", List.of(), "reason", reason)).build();
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
