package dev.sluice.events;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Proof that one of Sluice's own functions sent an event: an HMAC-SHA256, in the extension attribute
 * {@value #EXTENSION}, over the event's type, source, id, subject, data.attempt and a digest of its data in
 * canonical JSON (keys sorted, numbers normalised), so a broker that adds extensions or re-serialises the data
 * does not break it while a changed attempt, run, stage or payload does. Stage requests and run commands must
 * come from route, each result from the stage that produces it; pushes and ticks come from outside and carry none.
 * <p>
 * Keys: {@code sluice.events.keys} (a comma list: the first signs, every one verifies, so a key is rotated by adding
 * the new one in front and removing the old one once nothing signed with it is in flight), else a key generated once
 * and kept in the table {@code event_keys} (migration V3), shared by every function that shares the database.
 */
@ApplicationScoped
public class EventProof {
    public static final String EXTENSION = "sluiceproof";
    /** A configured key shorter than this is refused at start: it could be guessed. */
    public static final int SHORTEST_KEY = 16;

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final String VERSION = "v1";

    @ConfigProperty(name = "sluice.events.keys")
    Optional<List<String>> configured;

    @Inject
    EntityManager em;

    private volatile List<byte[]> keys;

    void checkConfigured(@Observes StartupEvent started) {
        configuredKeys();
    }

    /** The event with its proof, signed with the first key. */
    public CloudEvent sign(CloudEvent event) {
        return sign(event, keys().get(0));
    }

    /** Why the event may not be applied (its type needs a proof and it has none, a wrong one, or comes from the wrong function), or empty. */
    public Optional<String> refusal(CloudEvent event) {
        return refusal(event, keys());
    }

    // ---- the rules, free of configuration: also what tests sign with ----

    /** The functions an event of this type must come from; empty when the type needs no proof (pushes, ticks). */
    public static Set<String> senders(String type) {
        return switch (type) {
            case EventTypes.ANALYSIS_REQUESTED, EventTypes.VALIDATION_REQUESTED, EventTypes.DEPLOYMENT_REQUESTED,
                    EventTypes.DEPLOYMENT_CHECK, EventTypes.DRIFT_CHECK, EventTypes.RUN_APPROVE, EventTypes.RUN_REJECT, EventTypes.RUN_CANCEL,
                    EventTypes.RUN_RETRY, EventTypes.ENVIRONMENT_ROLLBACK, EventTypes.TESTS_REQUESTED, EventTypes.TESTS_CHECK -> Set.of("route");
            case EventTypes.ANALYSIS_COMPLETED -> Set.of("analyze");
            case EventTypes.VALIDATION_COMPLETED, EventTypes.TESTS_PROGRESSED, EventTypes.TESTS_COMPLETED -> Set.of("validate");
            case EventTypes.DEPLOYMENT_PROGRESSED, EventTypes.DEPLOYMENT_COMPLETED -> Set.of("deploy");
            case EventTypes.STEP_FAILED -> Set.of("analyze", "validate", "deploy");
            default -> Set.of();
        };
    }

    public static boolean needsProof(String type) {
        return !senders(type).isEmpty();
    }

    /** The function that runs a stage named in step.failed's data. */
    private static final Map<String, String> STAGE_FUNCTION = Map.of("analysis", "analyze", "validation", "validate",
            "tests", "validate", "deployment", "deploy");

    public static CloudEvent sign(CloudEvent event, byte[] key) {
        return CloudEventBuilder.from(event).withExtension(EXTENSION, proof(event, key)).build();
    }

    public static Optional<String> refusal(CloudEvent event, List<byte[]> keys) {
        Set<String> senders = senders(event.getType());
        if (senders.isEmpty()) {
            return Optional.empty();
        }
        Object given = event.getExtension(EXTENSION);
        if (given == null || given.toString().isBlank()) {
            return Optional.of(event.getType() + " carries no proof (CloudEvent attribute " + EXTENSION
                    + "): only Sluice's own functions may send it");
        }
        String source = event.getSource().toString();
        String function = source.startsWith("/sluice/") ? source.substring("/sluice/".length()) : null;
        if (function == null || !senders.contains(function)) {
            return Optional.of(event.getType() + " must come from " + senders.stream().sorted().map(EventTypes::source).toList()
                    + ", not from " + source);
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(given.toString().trim());
        } catch (IllegalArgumentException e) {
            return Optional.of("proof of " + event.getType() + " is not base64url: " + e.getMessage());
        }
        boolean matches = false;
        for (byte[] key : keys) {
            // constant time, and every key tried, so the answer's timing tells nothing about which one is close
            matches |= MessageDigest.isEqual(presented, mac(event, key));
        }
        if (!matches) {
            return Optional.of("proof of " + event.getType() + " " + event.getId() + " does not match: it was not signed by"
                    + " Sluice for this type, source, id, run, attempt and data");
        }
        if (EventTypes.STEP_FAILED.equals(event.getType())) {
            String stage = text(event, "stage");
            if (!function.equals(STAGE_FUNCTION.get(stage))) {
                return Optional.of("step.failed from " + source + " names stage '" + stage + "', which " + function + " does not run");
            }
        }
        return Optional.empty();
    }

    public static String proof(CloudEvent event, byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(event, key));
    }

    private static byte[] mac(CloudEvent event, byte[] key) {
        StringBuilder signed = new StringBuilder(VERSION);
        for (String field : List.of(event.getType(), event.getSource().toString(), event.getId(),
                event.getSubject() == null ? "" : event.getSubject(), attempt(event), dataDigest(event))) {
            // length-prefixed, so no two different events give the same string
            signed.append('\n').append(field.length()).append(':').append(field);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String attempt(CloudEvent event) {
        String attempt = text(event, "attempt");
        return attempt == null ? "" : attempt;
    }

    private static String text(CloudEvent event, String field) {
        JsonNode data = tree(event);
        return data != null && data.isObject() && data.hasNonNull(field) ? data.get(field).asText() : null;
    }

    private static JsonNode tree(CloudEvent event) {
        if (event.getData() == null) {
            return null;
        }
        try {
            return CANONICAL.readTree(event.getData().toBytes());
        } catch (IOException e) {
            return null;
        }
    }

    /** SHA-256 of the data in canonical JSON; data that is not JSON is digested as it is. */
    static String dataDigest(CloudEvent event) {
        byte[] bytes = event.getData() == null ? new byte[0] : event.getData().toBytes();
        JsonNode tree = bytes.length == 0 ? null : tree(event);
        if (tree != null) {
            try {
                bytes = CANONICAL.writeValueAsBytes(canonical(tree));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys sorted, and a number written one way whatever way it came (1, 1.0 and 1E0 are one number). */
    static JsonNode canonical(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            ObjectNode out = f.objectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = f.arrayNode();
            node.forEach(n -> out.add(canonical(n)));
            return out;
        }
        if (node.isNumber()) {
            BigDecimal n = node.decimalValue().stripTrailingZeros();
            return n.scale() <= 0 ? f.numberNode(n.toBigIntegerExact()) : f.numberNode(n);
        }
        return node;
    }

    // ---- keys ----

    List<byte[]> keys() {
        List<byte[]> k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    List<byte[]> fromConfig = configuredKeys();
                    keys = fromConfig.isEmpty()
                            ? List.of(QuarkusTransaction.requiringNew().call(this::storedOrNew).getBytes(StandardCharsets.UTF_8))
                            : fromConfig;
                }
                k = keys;
            }
        }
        return k;
    }

    private List<byte[]> configuredKeys() {
        List<byte[]> out = new ArrayList<>();
        for (String key : configured.orElse(List.of())) {
            String k = key.trim();
            if (k.isEmpty()) {
                continue;
            }
            if (k.length() < SHORTEST_KEY) {
                throw new IllegalStateException("sluice.events.keys: a key of " + k.length() + " characters is too short, at least "
                        + SHORTEST_KEY + " are needed");
            }
            out.add(k.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The stored key, or a new one stored first; functions starting at once all end up with the first one stored. */
    private String storedOrNew() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        em.createNativeQuery("insert into event_keys (id, secret, created_at) values (1, ?1, ?2) on conflict (id) do nothing")
                .setParameter(1, HexFormat.of().formatHex(random))
                .setParameter(2, OffsetDateTime.now())
                .executeUpdate();
        @SuppressWarnings("unchecked")
        List<String> secret = em.createNativeQuery("select secret from event_keys where id = 1").getResultList();
        return secret.get(0);
    }
}
