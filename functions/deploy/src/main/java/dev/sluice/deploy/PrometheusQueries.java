package dev.sluice.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.events.EventCodec;

/**
 * Instant queries against Prometheus' HTTP API ({@code GET /api/v1/query}), all of one check at once. An answer is a
 * single number, no data (an empty vector, NaN), or a problem: Prometheus unreachable, slow, answering an error or
 * more than one series. Nothing here throws: every outcome is a reading.
 */
final class PrometheusQueries {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** {@code value} null: no number; then {@code problem} says why, or is null for plain "no data". */
    record Answer(Double value, String problem) {
        static Answer noData() {
            return new Answer(null, null);
        }

        static Answer problem(String why) {
            return new Answer(null, why);
        }
    }

    /** @return one answer per query, in order; waits at most {@code timeout} for the slowest */
    List<Answer> query(String baseUrl, List<String> queries, Duration timeout) {
        List<CompletableFuture<Answer>> pending = queries.stream().map(q -> one(baseUrl, q, timeout)).toList();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Answer> one(String baseUrl, String query, Duration timeout) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                    .timeout(timeout).header("Accept", "application/json").GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Answer.problem("Prometheus URL " + baseUrl + " is not usable: " + e.getMessage()));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                            return Answer.problem("Prometheus at " + base + " gave no answer within " + timeout.toMillis() + "ms");
                        }
                        return Answer.problem("Prometheus at " + base + " is unreachable: "
                                + (cause instanceof IOException && cause.getMessage() != null ? cause.getClass().getSimpleName() + " "
                                        + cause.getMessage() : cause.toString()));
                    }
                    return parse(response.statusCode(), response.body());
                });
    }

    /** Reads one answer of {@code /api/v1/query}. */
    static Answer parse(int status, String body) {
        JsonNode json;
        try {
            json = EventCodec.json().readTree(body == null ? "" : body);
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return Answer.problem("Prometheus answered " + status + " with no JSON: " + Release.clip(abbreviate(body)));
        }
        if (status != 200 || !"success".equals(json.path("status").asText())) {
            return Answer.problem("Prometheus answered " + status + ": " + json.path("errorType").asText("error") + ": "
                    + abbreviate(json.path("error").asText("")));
        }
        JsonNode data = json.path("data");
        JsonNode result = data.path("result");
        return switch (data.path("resultType").asText()) {
            case "scalar" -> number(result.path(1));
            case "vector" -> {
                if (result.size() == 0) {
                    yield Answer.noData();
                }
                if (result.size() > 1) {
                    yield Answer.problem("the query returned " + result.size() + " series; aggregate it to one (e.g. sum(...))");
                }
                yield number(result.get(0).path("value").path(1));
            }
            default -> Answer.problem("the query returned a " + data.path("resultType").asText("missing") + ", not one number");
        };
    }

    private static Answer number(JsonNode value) {
        try {
            double d = Double.parseDouble(value.asText());
            return Double.isNaN(d) ? Answer.noData() : new Answer(d, null);
        } catch (NumberFormatException e) {
            return Answer.problem("Prometheus answered a value that is not a number: " + abbreviate(value.toString()));
        }
    }

    private static String abbreviate(String text) {
        String t = text == null ? "" : text.strip();
        return t.length() <= 200 ? t : t.substring(0, 199) + "…";
    }
}
