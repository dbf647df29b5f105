package dev.sluice.testing;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a function's {@code /q/metrics} (Prometheus text format) as a test sees it: one sample by name and labels. */
public final class Metrics {
    private Metrics() {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The scrape, as Prometheus gets it. */
    public static String scrape() {
        return given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of the sample {@code name} whose labels include all of {@code labels} (given as name, value, name,
     * value, ...), or NaN when no sample matches; more than one match is an error.
     */
    public static double value(String scrape, String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        Double found = null;
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    have.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            if (have.entrySet().containsAll(wanted.entrySet())) {
                if (found != null) {
                    throw new AssertionError("more than one sample " + name + " has labels " + wanted);
                }
                found = Double.parseDouble(m.group(3));
            }
        }
        return found == null ? Double.NaN : found;
    }

    /** {@link #value} with an absent sample read as 0 (a counter nobody has incremented yet). */
    public static double count(String scrape, String name, String... labels) {
        double v = value(scrape, name, labels);
        return Double.isNaN(v) ? 0 : v;
    }
}
