package dev.sluice.local.broker;

import java.net.URI;
import java.util.Arrays;
import java.util.Base64;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * The event Knative sends to a dead-letter sink: the original, plus extensions saying where it failed
 * ({@code knativeerrordest}), with which status ({@code knativeerrorcode}) and the start of the response
 * ({@code knativeerrordata}: base64 of the body, at most 1024 characters, as Knative encodes it).
 */
public final class DeadLetter {
    public static final String DEST = "knativeerrordest";
    public static final String CODE = "knativeerrorcode";
    public static final String DATA = "knativeerrordata";
    /** Knative truncates the base64 text to 1024 characters, i.e. the first 768 bytes of the body. */
    static final int MAX_DATA_CHARS = 1024;

    private DeadLetter() {
    }

    /** Without a response (connection refused, timeout) Knative reports 500 and the dispatch error. */
    public static CloudEvent of(CloudEvent original, String destination, SubscriberCall.Outcome outcome) {
        int code = outcome.status() == null ? 500 : outcome.status();
        byte[] body = outcome.status() == null ? outcome.error().getBytes(java.nio.charset.StandardCharsets.UTF_8) : outcome.body();
        return CloudEventBuilder.from(original)
                .withExtension(DEST, URI.create(destination))
                .withExtension(CODE, code)
                .withExtension(DATA, encode(body))
                .build();
    }

    /** Where the broker's own ingress refused a reply for its TTL, as Knative's ingress does (400). */
    static final String INGRESS = "/broker";

    /** A reply the broker dropped because its {@code knativebrokerttl} ran out. */
    public static CloudEvent expired(CloudEvent reply) {
        String why = LocalBroker.TTL + " exhausted: the reply chain is longer than its TTL allows (a loop, or a low TTL set by its sender)";
        return CloudEventBuilder.from(reply)
                .withoutExtension(LocalBroker.TTL)
                .withExtension(DEST, URI.create(INGRESS))
                .withExtension(CODE, 400)
                .withExtension(DATA, encode(why.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build();
    }

    static String encode(byte[] body) {
        if (body == null) {
            return "";
        }
        int bytes = MAX_DATA_CHARS / 4 * 3;
        return Base64.getEncoder().encodeToString(body.length > bytes ? Arrays.copyOf(body, bytes) : body);
    }
}
