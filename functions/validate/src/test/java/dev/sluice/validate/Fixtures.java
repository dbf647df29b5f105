package dev.sluice.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's fixtures (real manifests from public projects), found by walking up from the module dir. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("fixtures").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixture " + relative + " not found in fixtures/ above " + Path.of("").toAbsolutePath());
    }

    static String read(String relative) {
        try {
            return Files.readString(dir(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
