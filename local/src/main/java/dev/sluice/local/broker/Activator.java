package dev.sluice.local.broker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The broker-only mode's functions and their activator. {@code sluice.local.function-urls}
 * ({@code route=http://127.0.0.1:18081,analyze=...}) says where each function listens when it runs apart (a process or
 * a container of its own): Triggers whose subscriber is Service {@code sluice-<function>} deliver there instead of to
 * {@code /fn/<function>} on this process. When a delivery to one of them finds nobody listening (stopped, killed,
 * never started), {@code sluice.local.activator.command} ({@code {function}} replaced by the function's name, split
 * on spaces, run without a shell, e.g. {@code podman start sluice-{function}}) starts it, the delivery waits until its
 * {@code /q/health/ready} answers 200 (at most {@code sluice.local.activator.timeout}) and is posted again: what
 * Knative's activator does for a Service scaled to zero. Concurrent deliveries to one function start it once.
 */
@ApplicationScoped
public class Activator {
    private static final Logger LOG = Logger.getLogger(Activator.class);

    @ConfigProperty(name = "sluice.local.function-urls")
    Optional<String> functionUrlsConfig;

    @ConfigProperty(name = "sluice.local.activator.command")
    Optional<String> command;

    @ConfigProperty(name = "sluice.local.activator.timeout", defaultValue = "60s")
    Duration timeout;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile Map<String, String> functionUrls;

    /** Function name to base URL; empty unless the broker-only mode names them. */
    public Map<String, String> functionUrls() {
        Map<String, String> urls = functionUrls;
        if (urls == null) {
            urls = parse(functionUrlsConfig.orElse(""));
            functionUrls = urls;
        }
        return urls;
    }

    static Map<String, String> parse(String config) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String entry : config.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).trim();
            String url = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (name.isEmpty() || !URI.create(url).isAbsolute()) {
                throw new IllegalStateException("sluice.local.function-urls: '" + entry.trim()
                        + "' is not function=absolute URL (e.g. route=http://127.0.0.1:18081)");
            }
            urls.put(name, url.replaceAll("/+$", ""));
        }
        return Map.copyOf(urls);
    }

    /**
     * Called when a delivery to {@code url} got no response. If {@code url} is a function the activator may start and it
     * does not answer ready, starts it and waits until it does.
     *
     * @return true when the function is ready now (post again), false when the activator does not handle the URL or
     *     could not make the function ready (the delivery fails and is retried as its spec says)
     */
    public boolean activate(String url) throws InterruptedException {
        if (command.isEmpty() || command.get().isBlank()) {
            return false;
        }
        Optional<Map.Entry<String, String>> function = functionUrls().entrySet().stream()
                .filter(e -> url.equals(e.getValue()) || url.startsWith(e.getValue() + "/")).findFirst();
        if (function.isEmpty()) {
            return false;
        }
        String name = function.get().getKey();
        String base = function.get().getValue();
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            if (ready(base)) {
                return true;
            }
            long started = System.nanoTime();
            String[] argv = Arrays.stream(command.get().trim().split("\\s+")).map(a -> a.replace("{function}", name))
                    .toArray(String[]::new);
            Path output;
            Process p;
            try {
                output = Files.createTempFile("sluice-activator-" + name, ".log");
                p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                LOG.errorf("activator: cannot run %s for %s: %s", String.join(" ", argv), name, e.getMessage());
                return false;
            }
            try {
                // the command may start the function and exit (podman start) or be the function itself: wait for ready
                long deadline = started + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    if (ready(base)) {
                        LOG.infof("activator: started %s, ready after %d ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        return true;
                    }
                    if (!p.isAlive() && p.exitValue() != 0) {
                        LOG.errorf("activator: %s failed for %s (exit %d): %s", String.join(" ", argv), name, p.exitValue(), tail(output));
                        return false;
                    }
                    Thread.sleep(20);
                }
            } finally {
                if (!p.isAlive()) { // a command that is the function itself keeps writing its output there
                    output.toFile().delete();
                }
            }
            LOG.errorf("activator: %s not ready %d s after %s", name, timeout.toSeconds(), String.join(" ", argv));
            return false;
        }
    }

    private static String tail(Path output) {
        try {
            String text = Files.readString(output).trim();
            return text.length() > 1000 ? "…" + text.substring(text.length() - 1000) : text;
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private boolean ready(String base) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
