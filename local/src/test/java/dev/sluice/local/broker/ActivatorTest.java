package dev.sluice.local.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The broker-only mode's activator, with a real process started by its command (plain JUnit: no Quarkus needed). */
class ActivatorTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFunctionNobodyListensForIsStartedByTheCommandAndReadyBeforeTheDeliveryGoesOn() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String fake = Path.of("src/test/resources/activator/FakeFunction.java").toAbsolutePath().toString();
        Activator activator = activator("analyze=" + base + ",route=http://127.0.0.1:1",
                java + " " + fake + " " + port);
        try {
            assertThat(status(base + "/q/health/ready")).isEmpty();
            assertThat(activator.activate(base + "/")).isTrue();
            assertThat(status(base + "/q/health/ready")).contains(200);
            // ready already: true without starting a second one (which could not bind the port and would fail)
            assertThat(activator.activate(base + "/dead-letter")).isTrue();
        } finally {
            status(base + "/quit");
        }
    }

    @Test
    void aUrlThatIsNoFunctionOrACommandThatFailsLeavesTheDeliveryToItsRetries() throws Exception {
        assertThat(activator("analyze=http://127.0.0.1:1", "false").activate("http://127.0.0.1:2/")).isFalse();
        assertThat(activator("analyze=http://127.0.0.1:1", "false").activate("http://127.0.0.1:1/")).isFalse();
        assertThat(activator("analyze=http://127.0.0.1:1", "").activate("http://127.0.0.1:1/")).isFalse();
    }

    @Test
    void functionUrlsAreNameEqualsAbsoluteUrl() {
        assertThat(Activator.parse(" route=http://h:1/ , analyze=http://h:2")).isEqualTo(Map.of("route", "http://h:1", "analyze", "http://h:2"));
        assertThat(Activator.parse("")).isEmpty();
        assertThatThrownBy(() -> Activator.parse("route=/relative")).hasMessageContaining("route=/relative");
        assertThatThrownBy(() -> Activator.parse("http://h:1")).hasMessageContaining("function=absolute URL");
    }

    private static Activator activator(String urls, String command) {
        Activator a = new Activator();
        a.functionUrlsConfig = Optional.of(urls);
        a.command = Optional.of(command);
        a.timeout = Duration.ofSeconds(60);
        return a;
    }

    private Optional<Integer> status(String url) throws InterruptedException {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
