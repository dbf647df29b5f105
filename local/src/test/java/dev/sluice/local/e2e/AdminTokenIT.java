package dev.sluice.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The packaged local pipeline makes its API admin token at first start (owner-only file in the data folder), prints it
 * in the ready line, keeps it across restarts, and its API refuses requests without it.
 */
class AdminTokenIT {

    private static HttpResponse<String> get(LocalProcess p, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(p.base() + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return LocalProcess.Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String readyLine(LocalProcess p) throws Exception {
        for (int i = 0; i < 100; i++) {
            var line = Files.readAllLines(p.log()).stream().filter(l -> l.startsWith("Sluice local ready in ")).reduce((a, b) -> b);
            if (line.isPresent()) {
                return line.get();
            }
            LocalProcess.sleep(100);
        }
        throw new AssertionError("no ready line; log: " + p.tail());
    }

    @Test
    void theTokenIsMadeAtFirstStartOwnerOnlyPrintedInTheReadyLineKeptAcrossRestartsAndRequiredByTheApi() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-token").resolve("data");
        String token;
        try (LocalProcess first = new LocalProcess(dataDir).start()) {
            Path file = dataDir.resolve("admin-token");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            token = first.adminToken();
            assertThat(token).matches("sluice-[A-Za-z0-9_-]{43}");
            assertThat(readyLine(first)).contains("API " + first.base() + "/runs (Authorization: Bearer " + token + ", kept in " + file);

            HttpResponse<String> anonymous = get(first, "/runs", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
            assertThat(anonymous.body()).contains("needs a bearer token");
            assertThat(get(first, "/runs", token + "x").statusCode()).isEqualTo(401);
            assertThat(get(first, "/runs", token).statusCode()).isEqualTo(200);
            assertThat(get(first, "/environments", token).statusCode()).isEqualTo(200);
        }
        try (LocalProcess second = new LocalProcess(dataDir).start()) {
            assertThat(second.adminToken()).isEqualTo(token);
            assertThat(readyLine(second)).contains("Bearer " + token);
            assertThat(get(second, "/runs", token).statusCode()).isEqualTo(200);
        }
    }
}
