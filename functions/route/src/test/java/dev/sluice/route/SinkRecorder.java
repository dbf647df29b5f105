package dev.sluice.route;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import dev.sluice.events.EventCodec;

/**
 * A real HTTP endpoint standing in for the broker ingress: route's outbox relay posts there (sluice.sink), with the
 * OIDC token file Knative would mount. Each request is written as a JSON file ({headers, body}) into the folder named
 * by the system property {@value #FOLDER}, so the test reads it whichever class loader it runs in.
 */
public class SinkRecorder implements QuarkusTestResourceLifecycleManager {
    static final String FOLDER = "sluice.test.sink-recorder";
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.a-knative-oidc-token.sig";
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path folder = Files.createTempDirectory("sluice-sink-recorder");
            Path token = Files.writeString(folder.resolveSibling(folder.getFileName() + "-token"), TOKEN + "\n");
            System.setProperty(FOLDER, folder.toString());
            AtomicInteger n = new AtomicInteger();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Files.write(folder.resolve(n.incrementAndGet() + ".json"),
                        EventCodec.json().writeValueAsBytes(Map.of("headers", headers, "body", body)));
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            });
            server.start();
            return Map.of("sluice.outbox.enabled", "true",
                    "sluice.sink", "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                    "sluice.sink.token-file", token.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
