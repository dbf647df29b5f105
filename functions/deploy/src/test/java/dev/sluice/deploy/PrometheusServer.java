package dev.sluice.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.sun.net.httpserver.HttpServer;

/**
 * A real Prometheus (Debian's {@code prometheus} package) for tests: started once per JVM on 127.0.0.1 with a free
 * port, a temporary storage folder and a 1s scrape interval, scraping {@link QueueProxyMetrics}, a local HTTP server
 * that exposes the metrics Knative's queue-proxy would. Missing Prometheus skips the tests that need it, unless
 * {@code SLUICE_REQUIRE} names {@code prometheus}: then they fail.
 */
final class PrometheusServer {
    private PrometheusServer() {
    }

    static final String BINARY = "prometheus";
    private static String url;
    private static Process process;
    private static Path storage;
    static final QueueProxyMetrics METRICS = new QueueProxyMetrics();

    static boolean required() {
        String require = System.getenv("SLUICE_REQUIRE");
        return require != null && Arrays.stream(require.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).anyMatch(BINARY::equals);
    }

    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, BINARY);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Path debian = Path.of("/usr/bin", BINARY);
        return Files.isExecutable(debian) ? debian : null;
    }

    /** Skips (or, when required, fails) a test when Prometheus is not installed. */
    static void assumeAvailable() {
        if (binary() == null) {
            if (required()) {
                throw new AssertionError("SLUICE_REQUIRE names prometheus, but no prometheus binary is on the PATH (apt-get install prometheus)");
            }
            Assumptions.abort("prometheus is not installed (Debian package prometheus): the canary analysis test needs a real one");
        }
    }

    /** The base URL of the running Prometheus, started at the first call; null when it is not installed. */
    static synchronized String url() {
        if (url != null || binary() == null) {
            return url;
        }
        try {
            METRICS.start();
            storage = Files.createTempDirectory("sluice-prometheus");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = storage.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: queue-proxy
                        scrape_interval: 1s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(METRICS.port()));
            process = new ProcessBuilder(binary().toString(), "--config.file=" + config, "--storage.tsdb.path=" + storage.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(storage.resolve("prometheus.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(PrometheusServer::stop));
            String base = "http://127.0.0.1:" + port;
            waitReady(base);
            url = base;
            return url;
        } catch (IOException e) {
            throw new IllegalStateException("could not start prometheus", e);
        }
    }

    private static void waitReady(String base) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("prometheus was not ready within 60s: " + log());
    }

    private static String log() {
        try {
            return Files.readString(storage.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        METRICS.stop();
        if (storage != null) {
            try (Stream<Path> files = Files.walk(storage)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind
            }
            storage = null;
        }
        url = null;
    }

    /**
     * Knative queue-proxy's request metrics for revisions the tests name: every scrape adds 100 requests per revision,
     * answered 2xx in under 50ms while the revision is good, and a fifth of them 5xx in about 2s once it is bad.
     */
    static final class QueueProxyMetrics {
        private HttpServer server;
        private final java.util.Map<String, Revision> revisions = new java.util.concurrent.ConcurrentHashMap<>();

        private static final class Revision {
            final String namespace;
            final String service;
            volatile boolean bad;
            long ok;
            long errors;
            long fast;
            long slow;

            Revision(String namespace, String service) {
                this.namespace = namespace;
                this.service = service;
            }
        }

        /** Starts serving a revision's metrics, good. */
        void serve(String namespace, String service, String revision) {
            revisions.putIfAbsent(revision, new Revision(namespace, service));
        }

        void bad(String revision, boolean bad) {
            revisions.get(revision).bad = bad;
        }

        synchronized void start() throws IOException {
            if (server != null) {
                return;
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newSingleThreadExecutor());
            server.createContext("/metrics", exchange -> {
                byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        private synchronized String scrape() {
            StringBuilder out = new StringBuilder();
            out.append("# TYPE revision_app_request_count counter\n");
            for (var e : revisions.entrySet()) {
                Revision r = e.getValue();
                if (r.bad) {
                    r.ok += 80;
                    r.errors += 20;
                    r.slow += 100;
                } else {
                    r.ok += 100;
                    r.fast += 100;
                }
                String labels = "namespace_name=\"" + r.namespace + "\",service_name=\"" + r.service + "\",configuration_name=\""
                        + r.service + "\",revision_name=\"" + e.getKey() + "\",container_name=\"queue-proxy\",pod_name=\"" + e.getKey()
                        + "-deployment-1\"";
                out.append("revision_app_request_count{").append(labels).append(",response_code=\"200\",response_code_class=\"2xx\"} ")
                        .append(r.ok).append('\n');
                out.append("revision_app_request_count{").append(labels).append(",response_code=\"503\",response_code_class=\"5xx\"} ")
                        .append(r.errors).append('\n');
            }
            out.append("# TYPE revision_app_request_latencies histogram\n");
            for (var e : revisions.entrySet()) {
                Revision r = e.getValue();
                String labels = "namespace_name=\"" + r.namespace + "\",service_name=\"" + r.service + "\",configuration_name=\""
                        + r.service + "\",revision_name=\"" + e.getKey() + "\",pod_name=\"" + e.getKey() + "-deployment-1\"";
                long total = r.fast + r.slow;
                for (String le : new String[] { "5", "50", "500", "1000", "5000", "+Inf" }) {
                    long n = switch (le) {
                        case "5" -> 0;
                        case "50", "500", "1000" -> r.fast;
                        default -> total;
                    };
                    out.append("revision_app_request_latencies_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
                            .append(n).append('\n');
                }
                out.append("revision_app_request_latencies_sum{").append(labels).append("} ").append(r.fast * 20 + r.slow * 2000).append('\n');
                out.append("revision_app_request_latencies_count{").append(labels).append("} ").append(total).append('\n');
            }
            return out.toString();
        }
    }
}
