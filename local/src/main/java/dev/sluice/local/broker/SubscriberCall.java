package dev.sluice.local.broker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.local.knative.DeliverySpec;

/** One try at delivering an event: a binary-mode POST, as Knative's dispatcher sends it, and what came back. */
@ApplicationScoped
public class SubscriberCall {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * What a try gave: an HTTP status and body, or no response at all ({@code status} null, {@code error} says
     * why), and the reply event when a 2xx answer carried one.
     */
    public record Outcome(Integer status, byte[] body, String error, CloudEvent reply) {
        public boolean accepted() {
            return status != null && status / 100 == 2;
        }

        public boolean retryable() {
            return DeliverySpec.retryable(status);
        }

        /** For logs and last_error: the status and the start of the body, or the transport error. */
        public String describe() {
            if (status == null) {
                return error;
            }
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8);
            return "HTTP " + status + (text.isBlank() ? "" : ": " + text) + (error == null ? "" : " (" + error + ")");
        }
    }

    public Outcome post(String url, CloudEvent event, Duration timeout) throws InterruptedException {
        EventCodec.HttpMessage message = EventCodec.write(event, false);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout.isZero() ? Duration.ofSeconds(30) : timeout)
                .header("Prefer", "reply")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        message.headers().forEach(request::header);
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Outcome(null, null, "dispatch error: " + e, null);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            return new Outcome(status, response.body(), null, null);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> {
            if (!v.isEmpty()) {
                headers.put(k, v.get(0));
            }
        });
        if (!carriesEvent(headers)) {
            return new Outcome(status, response.body(), null, null);
        }
        try {
            return new Outcome(status, response.body(), null, EventCodec.read(headers, response.body()));
        } catch (BadEventException e) {
            // the subscriber took the event; its unreadable reply is logged and dropped
            return new Outcome(status, response.body(), "reply is not a valid CloudEvent: " + e.getMessage(), null);
        }
    }

    private static boolean carriesEvent(Map<String, String> headers) {
        for (var e : headers.entrySet()) {
            String name = e.getKey().toLowerCase();
            if (name.equals("ce-specversion") || (name.equals("content-type") && EventCodec.isStructured(e.getValue()))) {
                return true;
            }
        }
        return false;
    }
}
