package dev.sluice.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The optional HTTP check of canary revisions ({@code canary.probe} in {@code .sluice.yaml}): one GET on each
 * revision's tagged URL, which must answer 2xx within the latency bound. The GETs of one check go out together, so a
 * check waits at most the bound and 1s more however many Services it canaries.
 */
@ApplicationScoped
public class CanaryProbe {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    record Result(boolean held, String detail) {
    }

    /** @return one result per URL, in order */
    List<Result> check(List<String> urls, Duration maxLatency) {
        // Wait a little past the bound, so a slow answer is reported with its latency rather than as a timeout.
        Duration wait = maxLatency.plusSeconds(1);
        List<CompletableFuture<Result>> pending = urls.stream().map(url -> get(url, maxLatency, wait)).toList();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Result> get(String url, Duration maxLatency, Duration wait) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(wait).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Result(false, "probe GET " + url + " failed: " + e));
        }
        long started = System.nanoTime();
        // orTimeout bounds the whole exchange, connecting included, whatever the client's own timeouts do.
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                            return new Result(false, "probe GET " + url + " got no answer within " + wait.toMillis() + "ms");
                        }
                        return new Result(false, "probe GET " + url + " failed: " + (cause instanceof IOException ? cause : cause.toString()));
                    }
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    String detail = "probe GET " + url + " answered " + response.statusCode() + " in " + millis + "ms";
                    if (response.statusCode() / 100 != 2) {
                        return new Result(false, detail);
                    }
                    if (millis > maxLatency.toMillis()) {
                        return new Result(false, detail + " (at most " + maxLatency.toMillis() + "ms allowed)");
                    }
                    return new Result(true, detail);
                });
    }
}
