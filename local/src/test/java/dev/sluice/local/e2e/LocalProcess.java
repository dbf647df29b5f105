package dev.sluice.local.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged local pipeline (local/target/quarkus-app/quarkus-run.jar) as a real child process, so tests
 * can push through it over HTTP and kill it in the middle of a run.
 */
final class LocalProcess implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final Path log;
    private Process process;
    private long startedAtNanos;
    private long readyAfterMillis;

    LocalProcess(Path dataDir) {
        this(dataDir, freePort());
    }

    LocalProcess(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-" + port + ".log");
    }

    static Path jar() {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first (mvn verify does)");
        }
        return jar;
    }

    private final List<String> extraArgs = new ArrayList<>();

    /** More JVM arguments for the pipeline (such as {@code -Dsluice.validate.tests.runner=process}), before {@link #start}. */
    LocalProcess with(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    LocalProcess start() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.port=" + port,
                "-Dsluice.local.data-dir=" + dataDir,
                // fast ticks so retries and timeouts are exercised quickly
                "-Dsluice.local.tick-interval=2s",
                // the event proof key, so that a test can sign what it posts as a function would
                "-Dsluice.events.keys=" + dev.sluice.testing.Events.TEST_EVENT_KEY,
                "-jar", jar().toString()));
        cmd.addAll(cmd.size() - 2, extraArgs);
        try {
            startedAtNanos = System.nanoTime();
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        awaitReady();
        readyAfterMillis = (System.nanoTime() - startedAtNanos) / 1_000_000;
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("local pipeline exited with " + process.exitValue() + "; log: " + tail());
            }
            try {
                HttpResponse<String> r = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("local pipeline not ready after 90 s; log: " + tail());
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The API's admin token, as the process wrote it at its first start. */
    String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no admin token in " + dataDir, e);
        }
    }

    Path log() {
        return log;
    }

    int port() {
        return port;
    }

    long readyAfterMillis() {
        return readyAfterMillis;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory of the process in KiB, from /proc. */
    long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** Kills the process at once (SIGKILL): nothing gets to shut down cleanly. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killOrphanedPostgres();
    }

    /** The embedded PostgreSQL's postmaster, as its postmaster.pid names it (-1 when it has none). */
    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** One HTTP call to the process; API calls carry the admin token when the data folder has one. */
    HttpResponse<String> send(String method, String path, String body, java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        String token = adminToken();
        if (token != null && !path.startsWith("/broker") && !path.startsWith("/q/")) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An embedded PostgreSQL outlives a SIGKILLed JVM; a crash of the machine would not leave it, so end it too. */
    private void killOrphanedPostgres() {
        List<Path> pidFiles;
        try (var walk = Files.walk(dataDir, 3)) {
            pidFiles = walk.filter(p -> p.getFileName().toString().equals("postmaster.pid")).toList();
        } catch (IOException e) {
            return;
        }
        for (Path candidate : pidFiles) {
            if (Files.exists(candidate)) {
                try {
                    long pid = Long.parseLong(Files.readAllLines(candidate).get(0).trim());
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                        sleep(100);
                    }
                } catch (IOException | RuntimeException e) {
                    // nothing to end
                }
            }
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- talking to it, as the e2e tests do --------------------------------------------------------

    /** GET of route's API with the admin token: the JSON of a 200, else an exception naming the answer. */
    com.fasterxml.jackson.databind.JsonNode get(String path) {
        try {
            HttpResponse<String> r = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base() + path))
                    .header("Authorization", "Bearer " + adminToken()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return Http.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A POST with these headers (the admin token added for the API's paths). */
    HttpResponse<String> post(String path, java.util.Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (path.startsWith("/runs") || path.startsWith("/environments")) {
            b.header("Authorization", "Bearer " + adminToken());
        }
        headers.forEach(b::header);
        try {
            return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Probes until {@code done} holds (a probe that throws is "not yet"); past {@code limit} fails with the log's tail. */
    com.fasterxml.jackson.databind.JsonNode awaitUntil(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> probe,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        com.fasterxml.jackson.databind.JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            sleep(100);
        }
        throw new AssertionError("condition not reached within " + limit + "; last: " + last + "\n" + tail());
    }

    /** The id of the run for a pushed commit, once route has created it. */
    String runOf(String url, String sha) {
        com.fasterxml.jackson.databind.JsonNode found = awaitUntil(() -> get("/runs?repository=" + url + "&size=200"), list -> {
            for (com.fasterxml.jackson.databind.JsonNode item : list.path("items")) {
                if (item.path("sha").asText().equals(sha)) {
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(60));
        for (com.fasterxml.jackson.databind.JsonNode item : found.path("items")) {
            if (item.path("sha").asText().equals(sha)) {
                return item.path("id").asText();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** The states a run went through, from its transitions. */
    static List<String> states(com.fasterxml.jackson.databind.JsonNode run) {
        List<String> s = new ArrayList<>();
        run.path("transitions").forEach(t -> s.add(t.path("to").asText()));
        return s;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    }
}
