package dev.sluice.validate.tests;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.sluice.tests.TestReport;
import dev.sluice.tests.TestReport.TestFailure;

/**
 * The JUnit XML reports a runner's command left in its working copy, read by common's report parser.
 * <p>
 * TEMPORARY: until {@code dev.sluice.tests.JUnitReports} (branch {@code reports}) is merged, a minimal parser stands in
 * below; once it is, {@link #read} becomes {@code JUnitReports.read(checkout, globs)} with its
 * {@code TestReportException} turned into {@link Unreadable}, and everything under "temporary parser" goes.
 */
final class Reports {
    private Reports() {
    }

    /** The reports could not be read: malformed, too large, too many. The message says which and why. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * What the reports matching {@code globs} under {@code checkout} say; null or a report naming no files when there
     * are none.
     *
     * @throws Unreadable when one cannot be read
     */
    static TestReport read(Path checkout, List<String> globs) {
        return TemporaryParser.read(checkout, globs);
    }

    /** Whether a report was found. */
    static boolean found(TestReport report) {
        return report != null && report.files() != null && !report.files().isEmpty();
    }

    // ---- temporary parser: removed when JUnitReports is merged ----
    private static final class TemporaryParser {
        static final long MAX_BYTES = 10L << 20;
        static final int MAX_FILES = 200;
        static final Pattern FRAME = Pattern.compile("(?m)^([^\\s:]+\\.[A-Za-z0-9]+):([0-9]+): ");

        static TestReport read(Path checkout, List<String> globs) {
            List<Path> files = new ArrayList<>();
            List<PathMatcher> matchers = new ArrayList<>();
            for (String g : globs) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
                if (g.startsWith("**/")) {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
                }
            }
            if (!Files.isDirectory(checkout)) {
                return null;
            }
            try (Stream<Path> walk = Files.walk(checkout)) {
                walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> matchers.stream().anyMatch(m -> m.matches(checkout.relativize(p))))
                        .sorted().forEach(files::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new Unreadable("cannot list the reports: " + e.getMessage());
            }
            if (files.size() > MAX_FILES) {
                throw new Unreadable(files.size() + " report files match, more than " + MAX_FILES);
            }
            int total = 0, failed = 0, errored = 0, skipped = 0;
            double seconds = 0;
            List<TestFailure> failures = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                String name = checkout.relativize(f).toString();
                try {
                    if (Files.size(f) > MAX_BYTES) {
                        throw new Unreadable(name + " is " + Files.size(f) + " bytes, more than " + MAX_BYTES);
                    }
                    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                    DocumentBuilder builder = factory.newDocumentBuilder();
                    builder.setErrorHandler(null);
                    Element root = builder.parse(f.toFile()).getDocumentElement();
                    if (!List.of("testsuites", "testsuite").contains(root.getTagName())) {
                        continue;
                    }
                    names.add(name);
                    NodeList cases = root.getElementsByTagName("testcase");
                    for (int i = 0; i < cases.getLength(); i++) {
                        Element c = (Element) cases.item(i);
                        total++;
                        seconds += number(c.getAttribute("time"));
                        Element problem = first(c, "failure");
                        String kind = "failure";
                        if (problem == null) {
                            problem = first(c, "error");
                            kind = "error";
                        }
                        if (problem == null) {
                            if (first(c, "skipped") != null) {
                                skipped++;
                            }
                            continue;
                        }
                        if (kind.equals("failure")) {
                            failed++;
                        } else {
                            errored++;
                        }
                        if (failures.size() < TestReport.MAX_FAILURES) {
                            String file = c.getAttribute("file").isEmpty() ? null : c.getAttribute("file");
                            Integer line = null;
                            Matcher m = FRAME.matcher(problem.getTextContent());
                            while (m.find()) {
                                if (file == null || m.group(1).equals(file)) {
                                    file = m.group(1);
                                    line = Integer.valueOf(m.group(2));
                                }
                            }
                            String message = problem.getAttribute("message").lines().findFirst().orElse("");
                            failures.add(new TestFailure(c.getAttribute("classname"), c.getAttribute("name"), kind,
                                    problem.getAttribute("type").isEmpty() ? null : problem.getAttribute("type"),
                                    message.length() > 300 ? message.substring(0, 300) + "…" : message, file, line,
                                    Math.round(number(c.getAttribute("time")) * 1000)));
                        }
                    }
                } catch (Unreadable e) {
                    throw e;
                } catch (Exception e) {
                    throw new Unreadable(name + " is not JUnit XML: " + e.getMessage());
                }
            }
            return new TestReport(total, total - failed - errored - skipped, failed, errored, skipped,
                    Math.round(seconds * 1000), List.copyOf(failures), List.copyOf(names));
        }

        private static Element first(Element parent, String tag) {
            NodeList l = parent.getElementsByTagName(tag);
            return l.getLength() == 0 ? null : (Element) l.item(0);
        }

        private static double number(String s) {
            try {
                return s.isEmpty() ? 0 : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
