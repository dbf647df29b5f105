package dev.sluice.tests;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.tests.TestReport.TestFailure;

/**
 * Reads the JUnit XML reports a run of a repository's tests leaves (Maven Surefire/Failsafe, Gradle, pytest
 * {@code --junitxml}, Jest's jest-junit, go-junit-report) into one {@link TestReport}.
 * <p>
 * Counting: a {@code testcase} is the unit: a {@code failure} child makes it failed, an {@code error} child errored, a
 * {@code skipped} child skipped, else it passed ({@code flakyFailure}/{@code flakyError}: passed on a rerun;
 * {@code rerunFailure}/{@code rerunError} follow the failure they repeat). A suite without test cases and without
 * nested suites counts by its {@code tests}/{@code failures}/{@code errors}/{@code skipped} attributes. Nested suites
 * (jest, some Gradle) are counted once. {@code durationMillis}: the top-level suites' {@code time}s (a suite without
 * one: its test cases'). Failures are kept in report order, files sorted, at most {@link TestReport#MAX_FAILURES}.
 * <p>
 * Bounds (a report is written by the repository's own tests, so it is untrusted input): {@link #MAX_FILE_BYTES} a file,
 * {@link #MAX_TOTAL_BYTES} in all, {@link #MAX_FILES} files; XML is streamed (StAX), a DOCTYPE is refused (no DTD, no
 * external entity, no entity expansion), nesting is bounded. Anything past a bound or not well-formed is a
 * {@link TestReportException} naming the file; nothing is half counted.
 */
public final class JUnitReports {
    /** The largest report file read: 50 MiB (a Surefire report with captured output can be large; 50 MiB is not). */
    public static final long MAX_FILE_BYTES = 50L * 1024 * 1024;
    /** The most report bytes read for one run: 200 MiB. */
    public static final long MAX_TOTAL_BYTES = 200L * 1024 * 1024;
    /** The most report files read for one run: 10,000 (one Surefire file per test class). */
    public static final int MAX_FILES = 10_000;
    /** A failure's message: its first line, at most this many characters. */
    public static final int MESSAGE_CHARS = 300;

    /** Directories never searched for reports: git's own, and npm's packages (unless a glob names them). */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "node_modules");

    private JUnitReports() {
    }

    /**
     * The reports under {@code checkout} that match {@code globs} ({@code *} within a path segment, {@code **} across
     * segments, {@code ?} one character; relative to the checkout; null or empty:
     * {@link SluiceSettings#DEFAULT_TEST_REPORTS}), read into one report. Symbolic links are not followed out of the
     * checkout (a link to a file inside it is read; links to directories are not followed). With the default globs, a
     * matching XML file that is not a JUnit report (another tool's XML) is passed over; with globs the repository chose,
     * it is an error. No report found: an empty report (total 0, no files).
     */
    public static TestReport read(Path checkout, List<String> globs) throws TestReportException {
        List<String> patterns = globs == null || globs.isEmpty() ? SluiceSettings.DEFAULT_TEST_REPORTS : globs;
        Path root;
        try {
            root = checkout.toRealPath();
        } catch (IOException e) {
            throw new TestReportException(null, "the checkout " + checkout + " cannot be read: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw new TestReportException(null, "the checkout " + checkout + " is not a directory");
        }
        Pattern matcher = glob(patterns);
        boolean searchNodeModules = patterns.stream().anyMatch(g -> g.contains("node_modules"));
        TreeMap<String, Path> found = new TreeMap<>();
        walk(root, searchNodeModules, (relative, real) -> {
            if (matcher.matcher(relative).matches()) {
                found.put(relative, real);
            }
        }, () -> found.size() > MAX_FILES);
        if (found.size() > MAX_FILES) {
            throw new TestReportException(null, "more than " + MAX_FILES + " files match the test report globs "
                    + patterns + "; name the reports more narrowly");
        }
        long total = 0;
        for (Map.Entry<String, Path> f : found.entrySet()) {
            long size = size(f.getKey(), f.getValue());
            if (size > MAX_FILE_BYTES) {
                throw new TestReportException(f.getKey(), "takes " + mib(size) + ", over the limit of "
                        + mib(MAX_FILE_BYTES) + " for one test report");
            }
            total += size;
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new TestReportException(null, "the " + found.size() + " test reports take " + mib(total)
                    + ", over the limit of " + mib(MAX_TOTAL_BYTES));
        }
        Collector collector = new Collector(!patterns.equals(SluiceSettings.DEFAULT_TEST_REPORTS));
        for (Map.Entry<String, Path> f : found.entrySet()) {
            try (InputStream in = Files.newInputStream(f.getValue(), LinkOption.NOFOLLOW_LINKS)) {
                collector.add(f.getKey(), in);
            } catch (IOException e) {
                throw new TestReportException(f.getKey(), "unreadable: " + e.getMessage());
            }
        }
        String rootPath = root.toString().replace('\\', '/');
        return collector.report(names -> {
            Map<String, List<String>> byName = new HashMap<>();
            try {
                walk(root, false, (relative, real) -> {
                    String name = FailureSites.baseName(relative);
                    if (names.contains(name)) {
                        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(relative);
                    }
                }, () -> false);
            } catch (TestReportException e) {
                // the reports are read; failures keep the files their reports name
            }
            return byName;
        }, rootPath);
    }

    /** Report files by name (relative to the checkout), as they come back from a pod's log: read into one report. */
    public static TestReport parse(Map<String, byte[]> files) throws TestReportException {
        return parse(files, List.of());
    }

    /**
     * Like {@link #parse(Map)}; {@code checkoutFiles}, the checkout's file paths (relative, e.g. the commit's tree), let
     * a failure's file be named as it is in the checkout ({@code src/test/java/com/x/FooTest.java}, not
     * {@code FooTest.java}).
     */
    public static TestReport parse(Map<String, byte[]> files, Collection<String> checkoutFiles)
            throws TestReportException {
        Collector collector = new Collector();
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            collector.add(f.getKey(), new ByteArrayInputStream(f.getValue()));
        }
        return collector.report(checkoutFiles);
    }

    /**
     * Reports read one at a time from streams (a pod's log, an archive) without holding them: {@link #add} each file,
     * then {@link #report()}. The same limits as {@link #read}: {@link #MAX_FILE_BYTES} a file, {@link #MAX_TOTAL_BYTES}
     * in all, {@link #MAX_FILES} files. Not thread-safe.
     */
    public static final class Collector {
        private final boolean strictRoots;
        private final Counts counts = new Counts();
        private final List<Pending> failures = new ArrayList<>();
        private final List<String> files = new ArrayList<>();
        private long bytes;
        private int added;

        /** A collector for which a file that is not a JUnit report is an error. */
        public Collector() {
            this(true);
        }

        Collector(boolean strictRoots) {
            this.strictRoots = strictRoots;
        }

        /**
         * Reads one report, named {@code file} (relative to the checkout), from {@code in} (not closed here). A file
         * that fails adds nothing: the collector can go on with the next.
         */
        public void add(String file, InputStream in) throws TestReportException {
            if (++added > MAX_FILES) {
                throw new TestReportException(file, "more than " + MAX_FILES + " test report files");
            }
            Limited limited = new Limited(in);
            int failuresBefore = failures.size();
            JUnitXmlReader.Outcome outcome;
            try {
                outcome = JUnitXmlReader.read(file, limited, strictRoots, this);
            } catch (TestReportException e) {
                failures.subList(failuresBefore, failures.size()).clear(); // a file counts whole or not at all
                if (limited.overLimit != null) {
                    throw new TestReportException(file, limited.overLimit);
                }
                throw e;
            }
            if (outcome == JUnitXmlReader.Outcome.READ) {
                files.add(file);
            }
        }

        /** What the files added say; failures' files as the reports name them. */
        public TestReport report() {
            return report(List.of());
        }

        /** What the files added say; a failure's file is named as in {@code checkoutFiles} when found there. */
        public TestReport report(Collection<String> checkoutFiles) {
            return report(names -> {
                Map<String, List<String>> byName = new HashMap<>();
                for (String f : checkoutFiles) {
                    String name = FailureSites.baseName(f);
                    if (names.contains(name)) {
                        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(f);
                    }
                }
                return byName;
            }, null);
        }

        private TestReport report(java.util.function.Function<Set<String>, Map<String, List<String>>> lookup,
                String root) {
            Set<String> names = new HashSet<>();
            for (Pending p : failures) {
                if (p.site != null) {
                    names.add(FailureSites.baseName(p.site.hint().path()));
                }
            }
            Map<String, List<String>> named = names.isEmpty() ? Map.of() : lookup.apply(names);
            List<TestFailure> out = new ArrayList<>();
            for (Pending p : failures) {
                String file = p.site == null ? null : FailureSites.resolve(p.site.hint(), named, root);
                out.add(new TestFailure(p.suite, p.name, p.kind, p.type, p.message, file,
                        p.site == null ? null : p.site.line(), p.durationMillis));
            }
            List<String> sorted = new ArrayList<>(files);
            sorted.sort(null);
            return new TestReport(clamp(counts.total), clamp(counts.passed), clamp(counts.failed),
                    clamp(counts.errored), clamp(counts.skipped), Math.round(counts.seconds * 1000), List.copyOf(out),
                    List.copyOf(sorted));
        }

        void add(Counts fileCounts) {
            counts.total += fileCounts.total;
            counts.passed += fileCounts.passed;
            counts.failed += fileCounts.failed;
            counts.errored += fileCounts.errored;
            counts.skipped += fileCounts.skipped;
            counts.seconds += fileCounts.seconds;
        }

        void failure(String suiteName, String classname, String name, String kind, String type, String messageAttr,
                String text, String fileAttr, String lineAttr, Double seconds) {
            if (failures.size() >= TestReport.MAX_FAILURES) {
                return;
            }
            String suite = classname != null && !classname.equals(name) ? classname : suiteName;
            FailureSites.Site site = FailureSites.locate(classname, suiteName, text, fileAttr, lineAttr);
            failures.add(new Pending(suite, name, kind, type, message(messageAttr, text, site), site,
                    seconds == null ? null : Math.round(seconds * 1000)));
        }

        /** Counts bytes against the per-file and total limits; past one, stops the parse. */
        private final class Limited extends FilterInputStream {
            private long read;
            String overLimit;

            Limited(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) throws IOException {
                read += n;
                bytes += n;
                if (read > MAX_FILE_BYTES) {
                    overLimit = "larger than " + mib(MAX_FILE_BYTES) + ", the limit for one test report";
                } else if (bytes > MAX_TOTAL_BYTES) {
                    overLimit = "the test reports take more than " + mib(MAX_TOTAL_BYTES) + " in all";
                }
                if (overLimit != null) {
                    throw new IOException(overLimit);
                }
            }
        }
    }

    private record Pending(String suite, String name, String kind, String type, String message,
            FailureSites.Site site, Long durationMillis) {
    }

    /** Test counts of one file (added to the collector only when the whole file has been read). */
    static final class Counts {
        long total, passed, failed, errored, skipped;
        double seconds;

        void add(String outcome) {
            total++;
            if (outcome == null) {
                passed++;
            } else {
                switch (outcome) {
                    case "failure" -> failed++;
                    case "error" -> errored++;
                    default -> skipped++;
                }
            }
        }

        void fromAttributes(int tests, int failures, int errors, int skips) {
            total += Math.max(tests, failures + errors + skips);
            failed += failures;
            errored += errors;
            skipped += skips;
            passed += Math.max(0, tests - failures - errors - skips);
        }
    }

    /**
     * A failure's message: the first line of its {@code message} attribute, else of its text, cut to
     * {@link #MESSAGE_CHARS}. go-junit-report's message is always {@code Failed}: the {@code name_test.go:12:} line's
     * message says more, and is taken instead.
     */
    static String message(String messageAttr, String text, FailureSites.Site site) {
        String line = firstLine(messageAttr);
        if ((line == null || line.equals("Failed")) && site != null && site.hint().kind() == FailureSites.Kind.GO) {
            java.util.regex.Matcher m = Pattern.compile(Pattern.quote(site.hint().path()) + ":\\d{1,9}:[ \\t]*(.*)")
                    .matcher(text == null ? "" : text);
            if (m.find() && !m.group(1).isBlank()) {
                line = m.group(1).strip();
            }
        }
        if (line == null) {
            line = firstLine(text);
        }
        return line == null ? null : cut(line, MESSAGE_CHARS);
    }

    private static String firstLine(String s) {
        return s == null ? null : s.lines().filter(l -> !l.isBlank()).map(String::strip).findFirst().orElse(null);
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    /**
     * One line for a run's history: {@code 12/12 tests passed in 3.4 s}, {@code 10/12 tests passed, 2 skipped, in
     * 3.4 s}, or {@code 2 of 12 tests failed: FooTest.bar (expected: <1> but was: <2>), sum adds (Error: ...)} naming
     * the first three failures; {@code no test reports found} when there were none.
     */
    public static String summary(TestReport report) {
        if (report.total() == 0) {
            return report.files() == null || report.files().isEmpty() ? "no test reports found"
                    : "no tests ran (" + report.files().size() + " test report" + (report.files().size() == 1 ? "" : "s")
                            + " without test cases)";
        }
        String in = " in " + duration(report.durationMillis());
        int bad = report.failed() + report.errored();
        if (bad == 0) {
            String passed = report.passed() + "/" + report.total() + " " + tests(report.total()) + " passed";
            return report.skipped() == 0 ? passed + in : passed + ", " + report.skipped() + " skipped," + in;
        }
        StringBuilder s = new StringBuilder().append(bad).append(" of ").append(report.total()).append(' ')
                .append(tests(report.total())).append(" failed");
        List<TestFailure> named = report.failures() == null ? List.of() : report.failures();
        for (int i = 0; i < Math.min(3, named.size()); i++) {
            TestFailure f = named.get(i);
            s.append(i == 0 ? ": " : ", ").append(label(f));
            if (f.message() != null) {
                s.append(" (").append(cut(f.message(), 100)).append(')');
            }
        }
        if (!named.isEmpty() && bad > Math.min(3, named.size())) {
            s.append(", and ").append(bad - Math.min(3, named.size())).append(" more");
        }
        return s.toString();
    }

    /**
     * A failed test's short name: {@code FooTest.bar} (a class), {@code test_calc.test_div} (a Python module),
     * {@code calc.TestDiv} (a Go package), {@code sum.test.js adds} (a file), or the name alone when it already says
     * its suite (Jest's {@code describe} titles).
     */
    static String label(TestFailure f) {
        String suite = f.suite();
        String name = f.name();
        if (name == null) {
            return suite == null ? "?" : suite;
        }
        if (suite == null || name.startsWith(suite)) {
            return name;
        }
        if (suite.contains("/")) {
            String last = suite.substring(suite.lastIndexOf('/') + 1);
            return last + (last.contains(".") ? " " : ".") + name;
        }
        if (suite.contains(".") && suite.chars().noneMatch(Character::isWhitespace)) {
            return suite.substring(suite.lastIndexOf('.') + 1) + "." + name;
        }
        return suite + " " + name;
    }

    private static String tests(int n) {
        return n == 1 ? "test" : "tests";
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return seconds / 60 + " min " + seconds % 60 + " s";
    }

    /**
     * One pattern for a list of globs, matched against paths relative to the checkout with {@code /} separators:
     * {@code *} and {@code ?} stay within a segment, {@code **}{@code /} is any number of directories (none too),
     * {@code **} elsewhere anything.
     */
    public static Pattern glob(List<String> globs) {
        StringBuilder re = new StringBuilder();
        for (String g : globs) {
            String glob = g.startsWith("./") ? g.substring(2) : g;
            re.append(re.isEmpty() ? "" : "|").append("(?:");
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (glob.startsWith("**/", i) && (i == 0 || glob.charAt(i - 1) == '/')) {
                    re.append("(?:[^/]+/)*");
                    i += 2;
                } else if (glob.startsWith("**", i)) {
                    re.append(".*");
                    i++;
                } else if (c == '*') {
                    re.append("[^/]*");
                } else if (c == '?') {
                    re.append("[^/]");
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            re.append(')');
        }
        return Pattern.compile(re.toString());
    }

    /**
     * Every regular file under {@code root} (relative path with {@code /}, and the real path to open), not following
     * links to directories and passing over links that leave the checkout; stops early when {@code enough} says so.
     */
    private static void walk(Path root, boolean searchNodeModules, BiConsumer<String, Path> file,
            java.util.function.BooleanSupplier enough) throws TestReportException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skip = !dir.equals(root) && SKIPPED_DIRECTORIES.contains(name)
                            && !(searchNodeModules && name.equals("node_modules"));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    Path real = f;
                    if (attrs.isSymbolicLink()) {
                        try {
                            real = f.toRealPath();
                        } catch (IOException e) {
                            return FileVisitResult.CONTINUE; // a dangling link
                        }
                        if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                            return FileVisitResult.CONTINUE; // out of the checkout, or to a directory
                        }
                    } else if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    file.accept(root.relativize(f).toString().replace('\\', '/'), real);
                    return enough.getAsBoolean() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not a report Sluice can read anyway
                }
            });
        } catch (IOException e) {
            throw new TestReportException(null, "the checkout cannot be searched for test reports: " + e.getMessage());
        }
    }

    private static long size(String relative, Path real) throws TestReportException {
        try {
            return Files.size(real);
        } catch (IOException e) {
            throw new TestReportException(relative, "unreadable: " + e.getMessage());
        }
    }

    private static int clamp(long n) {
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
