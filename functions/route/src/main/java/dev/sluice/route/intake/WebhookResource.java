package dev.sluice.route.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import dev.sluice.delivery.OutboxEvent;
import dev.sluice.delivery.OutboxRelay;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.StorableText;
import dev.sluice.events.Payloads.Push;
import dev.sluice.route.intake.PushNormalizer.Forge;

/**
 * Raw forge webhooks: the signature is checked against the configured secret, the push is normalised and
 * put in the outbox as a {@code dev.sluice.push} CloudEvent, whose id is the forge's delivery id so a
 * redelivered webhook starts no second run. A wrong or missing signature gets 401 and starts nothing.
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
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < pushes.size(); i++) {
            results.add(enqueue("bitbucket", pushes.size() == 1 ? base : base + "-" + i, pushes.get(i)));
        }
        return Response.accepted(body("accepted", true, "run", results.stream().anyMatch(r -> Boolean.TRUE.equals(r.get("run"))),
                "pushes", results)).build();
    }

    private Response accept(Forge forge, String name, String delivery, byte[] body) {
        Push push;
        try {
            push = PushNormalizer.normalize(forge, tree(name, body));
        } catch (BadEventException e) {
            return ErrorBody.badInput(e);
        }
        String id = eventId(name, delivery);
        Map<String, Object> result = enqueue(name, id, push);
        result.put("accepted", true);
        return Response.accepted(result).build();
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

    /** Puts one push in the outbox as dev.sluice.push with the given event id; a deletion starts nothing. */
    private Map<String, Object> enqueue(String name, String id, Push push) {
        if (PushNormalizer.isDeletion(push)) {
            return body("ref", push.ref(), "run", false, "reason", push.ref() + " was deleted: nothing to deploy");
        }
        CloudEvent event = EventCodec.event(id, EventTypes.PUSH, EventTypes.source("route") + "/webhooks/" + name, null, push);
        QuarkusTransaction.requiringNew().run(() -> OutboxEvent.add(event));
        relay.wake();
        LOG.infof("%s webhook: push of %s to %s accepted as event %s", name, push.after(), push.ref(), id);
        return body("run", true, "eventId", id, "ref", push.ref(), "after", push.after());
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
        return Response.accepted(body("accepted", true, "run", false, "reason", reason)).build();
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
