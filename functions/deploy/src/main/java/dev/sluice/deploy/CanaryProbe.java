package dev.sluice.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The optional HTTP check of a canary revision ({@code canary.probe} in {@code .sluice.yaml}): one GET on the
 * revision's tagged URL, which must answer 2xx within the latency bound.
 */
@ApplicationScoped
public class CanaryProbe {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    record Result(boolean held, String detail) {
    }

    Result check(String url, Duration maxLatency) {
        // Wait a little past the bound, so a slow answer is reported with its latency rather than as a timeout.
        Duration wait = maxLatency.plusSeconds(1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(wait).GET().build();
        long started = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            long millis = (System.nanoTime() - started) / 1_000_000;
            String detail = "probe GET " + url + " answered " + response.statusCode() + " in " + millis + "ms";
            if (response.statusCode() / 100 != 2) {
                return new Result(false, detail);
            }
            if (millis > maxLatency.toMillis()) {
                return new Result(false, detail + " (at most " + maxLatency.toMillis() + "ms allowed)");
            }
            return new Result(true, detail);
        } catch (HttpTimeoutException e) {
            return new Result(false, "probe GET " + url + " got no answer within " + wait.toMillis() + "ms");
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, "probe GET " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "probe GET " + url + " was interrupted");
        }
    }
}
