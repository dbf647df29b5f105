package dev.sluice.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files beside the module: fixtures/ (real inputs from public projects) and the repository's knative/. */
public final class Fixtures {
    private Fixtures() {
    }

    /** {@code fixtures/<relative>}, found by walking up from the module directory. */
    public static Path fixture(String relative) {
        return above("fixtures/" + relative);
    }

    /** The knative/ folder of the repository, the files a cluster applies. */
    public static Path knativeFolder() {
        return above("knative/broker.yaml").getParent();
    }

    private static Path above(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
