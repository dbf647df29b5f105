package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.sluice.deploy.PrometheusQueries.Answer;

/** What deploy makes of Prometheus answers it cannot use: each is a reading with its reason, never an exception. */
class PrometheusQueriesTest {
    private final PrometheusQueries prometheus = new PrometheusQueries();

    @Test
    void anUnreachablePrometheusIsAProblemNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Answer a = prometheus.query("http://127.0.0.1:" + port, List.of("up"), Duration.ofSeconds(2)).get(0);
        assertThat(a.value()).isNull();
        assertThat(a.problem()).startsWith("Prometheus at http://127.0.0.1:" + port + " is unreachable: ");
    }

    @Test
    void errorsSlowAnswersAndOddResultsAreProblemsWithTheirReason() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/broken/api/v1/query", exchange -> answer(exchange, 503, "<html>upstream down</html>"));
        server.createContext("/slow/api/v1/query", exchange -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{}");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<Answer> answers = prometheus.query(base + "/broken", List.of("up"), Duration.ofSeconds(2));
            assertThat(answers.get(0).problem()).isEqualTo("Prometheus answered 503 with no JSON: <html>upstream down</html>");
            Answer slow = prometheus.query(base + "/slow/", List.of("up"), Duration.ofMillis(500)).get(0);
            assertThat(slow.problem()).isEqualTo("Prometheus at " + base + "/slow gave no answer within 500ms");
        } finally {
            server.stop(0);
        }
        assertThat(PrometheusQueries.parse(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}").problem())
                .isEqualTo("Prometheus answered 400: bad_data: parse error");
        assertThat(PrometheusQueries.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"a\":\"1\"},\"value\":[1,\"1\"]},{\"metric\":{\"a\":\"2\"},\"value\":[1,\"2\"]}]}}").problem())
                .isEqualTo("the query returned 2 series; aggregate it to one (e.g. sum(...))");
        assertThat(PrometheusQueries.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}").problem())
                .isEqualTo("the query returned a matrix, not one number");
        assertThat(PrometheusQueries.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{},\"value\":[1,\"NaN\"]}]}}")).isEqualTo(Answer.noData());
        assertThat(PrometheusQueries.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"0.25\"]}}").value())
                .isEqualTo(0.25);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void valuesAreShownWithAtMostThreeDecimals() {
        assertThat(AnalysisSettings.number(99.99999999999999)).isEqualTo("100");
        assertThat(AnalysisSettings.number(100.0)).isEqualTo("100");
        assertThat(AnalysisSettings.number(49.55)).isEqualTo("49.55");
        assertThat(AnalysisSettings.number(0.12345)).isEqualTo("0.123");
        assertThat(AnalysisSettings.number(-2.5)).isEqualTo("-2.5");
    }
}
