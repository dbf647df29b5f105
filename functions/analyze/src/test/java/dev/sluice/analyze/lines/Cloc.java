package dev.sluice.analyze.lines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloc that analyze's counts are compared with: cloc 1.96 (the version Debian ships and {@link LineCounter}
 * follows), which the build downloads from the npm registry into target/cloc (system property {@code sluice.cloc});
 * a {@code cloc} on the PATH only when that property is not set (a test run from an IDE).
 */
public final class Cloc {
    private Cloc() {
    }

    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        String script = System.getProperty("sluice.cloc");
        if (script != null && !script.isBlank()) {
            if (!Files.isRegularFile(Path.of(script))) {
                throw new IllegalStateException("sluice.cloc names " + script + ", which does not exist: run the build's"
                        + " generate-test-resources phase (it downloads cloc 1.96)");
            }
            command.add("perl");
            command.add(script);
        } else {
            command.add("cloc");
        }
        command.addAll(List.of(args));
        return command;
    }
}
