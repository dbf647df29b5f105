package dev.sluice;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's fixtures/ folder, found from the module directory up. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path path(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("fixtures").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("fixture " + relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
