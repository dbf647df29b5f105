package dev.sluice.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.tests.TestReport.TestFailure;

class JUnitReportsTest {
    @TempDir
    Path checkout;

    /** A fixture under src/test/resources/junit/ copied into the checkout at {@code to}. */
    private String fixture(String name, String to) throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/junit/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            bytes = in.readAllBytes();
        }
        write(to, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void write(String relative, String text) throws IOException {
        write(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(String relative, byte[] bytes) throws IOException {
        Path p = checkout.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mavenSurefireReportsGiveCountsAndTheFailuresInTheCheckout() throws Exception {
        fixture("surefire/TEST-com.example.calc.CalculatorTest.xml", "target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml");
        fixture("surefire/TEST-com.example.calc.ParserTest.xml", "target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        write("target/surefire-reports/com.example.calc.CalculatorTest.txt", "Tests run: 6, Failures: 2, Errors: 1, Skipped: 1");
        write("src/test/java/com/example/calc/CalculatorTest.java", "package com.example.calc;");
        write("src/main/java/com/example/calc/Parser.java", "package com.example.calc;");

        TestReport r = JUnitReports.read(checkout, null);

        // cachesResults failed once and passed on its rerun (flakyFailure): passed; roundsHalfUp's rerunFailure repeats its failure
        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(9, 5, 2, 1, 1);
        assertThat(r.durationMillis()).isEqualTo(87 + 13);
        assertThat(r.files()).containsExactly("target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml",
                "target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        String file = "src/test/java/com/example/calc/CalculatorTest.java";
        assertThat(r.failures()).containsExactly(
                new TestFailure("com.example.calc.CalculatorTest", "divides", "failure", "org.opentest4j.AssertionFailedError",
                        "expected: <2> but was: <3>", file, 27, 21L),
                new TestFailure("com.example.calc.CalculatorTest", "parsesBlankInput", "error", "java.lang.NullPointerException",
                        "Cannot invoke \"String.trim()\" because \"input\" is null", file, 41, 2L),
                new TestFailure("com.example.calc.CalculatorTest", "roundsHalfUp", "failure", "java.lang.AssertionError",
                        "rounding 2.5 expected:<3> but was:<2>", file, 55, 9L));
        assertThat(JUnitReports.summary(r)).isEqualTo("3 of 9 tests failed: CalculatorTest.divides (expected: <2> but was: <3>), "
                + "CalculatorTest.parsesBlankInput (Cannot invoke \"String.trim()\" because \"input\" is null), "
                + "CalculatorTest.roundsHalfUp (rounding 2.5 expected:<3> but was:<2>)");
    }

    @Test
    void withoutTheCheckoutAJavaFailureNamesItsFileByNameOrByTheTreeGiven() throws Exception {
        Map<String, byte[]> files = Map.of("target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml",
                bytes(fixture("surefire/TEST-com.example.calc.CalculatorTest.xml", "x.xml")));

        assertThat(JUnitReports.parse(files).failures()).extracting(TestFailure::file).containsOnly("CalculatorTest.java");
        assertThat(JUnitReports.parse(files, List.of("pom.xml", "core/src/main/java/com/example/calc/Calculator.java",
                "core/src/test/java/com/example/calc/CalculatorTest.java", "other/CalculatorTest.java")).failures())
                .extracting(TestFailure::file).containsOnly("core/src/test/java/com/example/calc/CalculatorTest.java");
    }

    @Test
    void gradleReportsOfASubprojectIncludingANestedClass() throws Exception {
        fixture("gradle/TEST-com.example.greeter.GreeterTest.xml", "greeter/build/test-results/test/TEST-com.example.greeter.GreeterTest.xml");
        fixture("gradle/TEST-com.example.greeter.GreeterTest$Formal.xml",
                "greeter/build/test-results/test/TEST-com.example.greeter.GreeterTest$Formal.xml");
        write("greeter/build/test-results/test/binary/results.bin", "binary");
        write("greeter/src/test/java/com/example/greeter/GreeterTest.java", "package com.example.greeter;");

        TestReport r = JUnitReports.read(checkout, SluiceSettings.DEFAULT_TEST_REPORTS);

        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(6, 3, 1, 1, 1);
        assertThat(r.durationMillis()).isEqualTo(45 + 8);
        String file = "greeter/src/test/java/com/example/greeter/GreeterTest.java";
        assertThat(r.failures()).containsExactly(
                new TestFailure("com.example.greeter.GreeterTest$Formal", "usesTheTitle()", "error", "java.lang.IllegalStateException",
                        "java.lang.IllegalStateException: no title for Ada", file, 33, 5L),
                new TestFailure("com.example.greeter.GreeterTest", "capitalisesTheName()", "failure",
                        "org.opentest4j.AssertionFailedError",
                        "org.opentest4j.AssertionFailedError: expected: <Hello, Ada> but was: <Hello, ada>", file, 19, 19L));
    }

    @Test
    void pytestJunitXmlGivesTheFileAndTheFailingLine() throws Exception {
        fixture("pytest/junit.xml", "junit.xml");

        TestReport r = JUnitReports.read(checkout, List.of("junit.xml"));

        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(6, 3, 1, 1, 1);
        assertThat(r.durationMillis()).isEqualTo(94);
        assertThat(r.failures()).containsExactly(
                new TestFailure("tests.test_calc", "test_div", "failure", null, "assert 2.5 == 2", "tests/test_calc.py", 9, 2L),
                new TestFailure("tests.test_data", "test_loads_csv", "error", null,
                        "failed on setup with \"FileNotFoundError: [Errno 2] No such file or directory: 'data.csv'\"",
                        "tests/test_data.py", 6, 3L));
        assertThat(JUnitReports.summary(r)).startsWith("2 of 6 tests failed: test_calc.test_div (assert 2.5 == 2), test_data.test_loads_csv (");
    }

    @Test
    void pytestsLineAttributeIsTheZeroBasedLineOfTheDef() throws Exception {
        TestReport r = JUnitReports.parse(Map.of("junit.xml", bytes("""
                <testsuites><testsuite name="pytest" tests="1"><testcase classname="tests.test_x" name="test_y" \
                file="tests/test_x.py" line="11" time="0.1"><failure message="boom">raised elsewhere</failure></testcase>\
                </testsuite></testsuites>""")));
        assertThat(r.failures().get(0).file()).isEqualTo("tests/test_x.py");
        assertThat(r.failures().get(0).line()).isEqualTo(12);
    }

    @Test
    void jestFailuresPointAtTheTestFileRelativeToTheCheckout() throws Exception {
        String xml = fixture("jest/junit.xml", "junit.xml");
        write("src/sum.test.js", "test('adds floats', () => {})");
        String root = checkout.toRealPath().toString();
        write("junit.xml", xml.replace("/home/runner/work/calc/calc", root));

        TestReport r = JUnitReports.read(checkout, null);

        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(5, 3, 1, 0, 1);
        assertThat(r.durationMillis()).isEqualTo(913 + 569);
        assertThat(r.failures()).containsExactly(new TestFailure("sum", "sum adds floats", "failure", null,
                "Error: expect(received).toBe(expected) // Object.is equality", "src/sum.test.js", 9, 5L));
        assertThat(JUnitReports.summary(r)).isEqualTo(
                "1 of 5 tests failed: sum adds floats (Error: expect(received).toBe(expected) // Object.is equality)");

        // run elsewhere (CI's or a container's path): found by the end of the path; not in the checkout: as reported
        write("junit.xml", xml);
        assertThat(JUnitReports.read(checkout, null).failures().get(0).file()).isEqualTo("src/sum.test.js");
        Files.delete(checkout.resolve("src/sum.test.js"));
        assertThat(JUnitReports.read(checkout, null).failures().get(0).file())
                .isEqualTo("/home/runner/work/calc/calc/src/sum.test.js");
    }

    @Test
    void goJunitReportNamesThePackagesTestFileAndItsMessage() throws Exception {
        fixture("go/report.xml", "report.xml");
        write("go.mod", "module example.com/calc");
        write("calc_test.go", "package calc");
        write("format/format_test.go", "package format");
        write("vendor/other/format/format_test.go", "package format"); // another package's file of the same name

        TestReport r = JUnitReports.read(checkout, null);

        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(7, 4, 2, 0, 1);
        assertThat(r.durationMillis()).isEqualTo(16);
        assertThat(r.failures()).containsExactly(
                new TestFailure("example.com/calc", "TestDiv", "failure", null, "Div(1, 0) = 0, want an error", "calc_test.go", 12, 0L),
                new TestFailure("example.com/calc/format", "TestPad", "failure", null, "Pad(\"7\", 3) = \"7  \", want \"  7\"",
                        "format/format_test.go", 31, 10L));
        assertThat(JUnitReports.summary(r)).isEqualTo("2 of 7 tests failed: calc.TestDiv (Div(1, 0) = 0, want an error), "
                + "format.TestPad (Pad(\"7\", 3) = \"7  \", want \"  7\")");
    }

    @Test
    void nestedSuitesAreCountedOnceAndASuiteWithoutCasesByItsAttributes() throws Exception {
        TestReport r = JUnitReports.parse(Map.of("a.xml", bytes("""
                <testsuites tests="99" time="50">
                  <testsuite name="outer" tests="3" failures="1" time="2.5">
                    <testsuite name="inner" tests="2" failures="1" time="2.0">
                      <testcase name="a" time="1.0"/>
                      <testcase name="b" time="1.0"><failure message="no"/></testcase>
                    </testsuite>
                    <testcase name="c" time="0.5"><skipped/></testcase>
                  </testsuite>
                  <testsuite name="counted" tests="5" failures="1" errors="1" skipped="1" time="0.25"/>
                  <testsuite name="untimed"><testcase name="d" time="0.125"/></testsuite>
                </testsuites>""")));
        assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).containsExactly(9, 4, 2, 1, 2);
        assertThat(r.durationMillis()).isEqualTo(2500 + 250 + 125);
        assertThat(r.failures()).extracting(TestFailure::suite, TestFailure::name).containsExactly(org.assertj.core.groups.Tuple.tuple("inner", "b"));
        assertThat(JUnitReports.summary(r)).isEqualTo("3 of 9 tests failed: inner b (no), and 2 more");
    }

    @Test
    void aMessageIsItsFirstLineCutShortAndFailuresAreKeptToTheLimit() throws Exception {
        StringBuilder xml = new StringBuilder("<testsuite name='s'>");
        for (int i = 0; i < 30; i++) {
            xml.append("<testcase classname='s' name='t").append(i).append("'><failure message='").append("x".repeat(400))
                    .append("&#10;second line'/></testcase>");
        }
        TestReport r = JUnitReports.parse(Map.of("a.xml", bytes(xml.append("</testsuite>").toString())));
        assertThat(r.failed()).isEqualTo(30);
        assertThat(r.failures()).hasSize(TestReport.MAX_FAILURES);
        assertThat(r.failures().get(0).message()).hasSize(JUnitReports.MESSAGE_CHARS).endsWith("x…");
        assertThat(JUnitReports.summary(r)).endsWith(", and 27 more").hasSizeLessThan(400);
    }

    @Test
    void hostileFailureTextsAreSearchedForFramesQuickly() throws Exception {
        String[] texts = { "at ".repeat(30_000), ("at " + "a.".repeat(400) + "b(").repeat(100),
                ("x" + "/".repeat(300) + "_test.go ").repeat(200), "at (".repeat(20_000), " at x".repeat(15_000) + "\n" };
        StringBuilder xml = new StringBuilder("<testsuite name='s'>");
        for (int i = 0; i < 20; i++) {
            xml.append("<testcase classname='a.a.a' name='t").append(i).append("'><failure><![CDATA[")
                    .append(texts[i % texts.length]).append("]]></failure></testcase>");
        }
        long start = System.nanoTime();
        TestReport r = JUnitReports.parse(Map.of("a.xml", bytes(xml.append("</testsuite>").toString())));
        assertThat(r.failures()).hasSize(20);
        // bounded searches take milliseconds a text; a search that backtracks without bound, minutes
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void summariesOfPassingRuns() {
        assertThat(JUnitReports.summary(new TestReport(12, 12, 0, 0, 0, 3400, List.of(), List.of("a.xml"))))
                .isEqualTo("12/12 tests passed in 3.4 s");
        assertThat(JUnitReports.summary(new TestReport(12, 10, 0, 0, 2, 125_000, List.of(), List.of("a.xml"))))
                .isEqualTo("10/12 tests passed, 2 skipped, in 2 min 5 s");
        assertThat(JUnitReports.summary(new TestReport(1, 1, 0, 0, 0, 40, List.of(), List.of("a.xml"))))
                .isEqualTo("1/1 test passed in 40 ms");
        assertThat(JUnitReports.summary(new TestReport(0, 0, 0, 0, 0, 0, List.of(), List.of()))).isEqualTo("no test reports found");
        assertThat(JUnitReports.summary(new TestReport(2, 0, 1, 1, 0, 0, List.of(), List.of("a.xml"))))
                .isEqualTo("2 of 2 tests failed");
    }

    @Test
    void noReportsIsAnEmptyReport() throws Exception {
        write("README.md", "no tests");
        TestReport r = JUnitReports.read(checkout, null);
        assertThat(r.total()).isZero();
        assertThat(r.files()).isEmpty();
    }

    @Test
    void globsMatchWithinAndAcrossSegments() {
        var p = JUnitReports.glob(SluiceSettings.DEFAULT_TEST_REPORTS);
        assertThat(List.of("target/surefire-reports/TEST-a.xml", "core/target/surefire-reports/TEST-a.xml",
                "build/test-results/test/TEST-a.xml", "app/build/test-results/integrationTest/TEST-b.xml", "junit.xml",
                "web/junit-report.xml", "report.xml", "go/pkg/report.xml"))
                .allMatch(f -> p.matcher(f).matches());
        assertThat(List.of("target/surefire-reports/sub/TEST-a.xml", "target/surefire-reports/a.txt", "pom.xml",
                "target/classes/report.xml.bak")).noneMatch(f -> p.matcher(f).matches());
        var q = JUnitReports.glob(List.of("./out/*/TEST-?.xml"));
        assertThat(q.matcher("out/x/TEST-a.xml").matches()).isTrue();
        assertThat(q.matcher("out/x/y/TEST-a.xml").matches()).isFalse();
        assertThat(q.matcher("out/x/TEST-ab.xml").matches()).isFalse();
    }

    @Test
    void symbolicLinksOutOfTheCheckoutAreNotFollowed(@TempDir Path outside) throws Exception {
        String evil = "<testsuite name='evil'><testcase name='planted'><failure message='from outside'/></testcase></testsuite>";
        Files.writeString(outside.resolve("TEST-evil.xml"), evil);
        Files.createDirectories(outside.resolve("reports"));
        Files.writeString(outside.resolve("reports/TEST-more.xml"), evil);
        fixture("surefire/TEST-com.example.calc.ParserTest.xml", "target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        Path reports = checkout.resolve("target/surefire-reports");
        Files.createSymbolicLink(reports.resolve("TEST-evil.xml"), outside.resolve("TEST-evil.xml"));
        Files.createSymbolicLink(reports.resolve("linked"), outside.resolve("reports"));
        Files.createSymbolicLink(checkout.resolve("target/failsafe-reports"), outside.resolve("reports"));
        // a link to a report inside the checkout is read
        Files.createDirectories(checkout.resolve("build/test-results/test"));
        Files.createSymbolicLink(checkout.resolve("build/test-results/test/TEST-linked.xml"),
                reports.resolve("TEST-com.example.calc.ParserTest.xml"));

        TestReport r = JUnitReports.read(checkout, List.of("**/*.xml"));

        assertThat(r.files()).containsExactly("build/test-results/test/TEST-linked.xml",
                "target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        assertThat(r.total()).isEqualTo(6);
        assertThat(r.failures()).isEmpty();
    }

    @Test
    void malformedAndTruncatedReportsNameTheFileAndTheLine() throws Exception {
        String xml = fixture("surefire/TEST-com.example.calc.CalculatorTest.xml", "target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml");
        write("target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml", xml.substring(0, xml.indexOf("<testcase name=\"overflows\"")));

        assertThatThrownBy(() -> JUnitReports.read(checkout, null)).isInstanceOf(TestReportException.class)
                .hasMessageStartingWith("test report target/surefire-reports/TEST-com.example.calc.CalculatorTest.xml line ")
                .hasMessageContaining("not well-formed XML")
                .satisfies(e -> assertThat(((TestReportException) e).line()).isGreaterThan(40));

        assertThatThrownBy(() -> JUnitReports.parse(Map.of("bad.xml", bytes("<testsuite>\n  <testcase name=\"a\">\n</testsuite>"))))
                .hasMessage("test report bad.xml line 3, column 3: not well-formed XML: The element type \"testcase\" must be "
                        + "terminated by the matching end-tag \"</testcase>\".");
        assertThatThrownBy(() -> JUnitReports.parse(Map.of("empty.xml", new byte[0]))).isInstanceOf(TestReportException.class)
                .hasMessageStartingWith("test report empty.xml");
        byte[] latin1 = "<testsuite name=\"caf\u00e9\"/>".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> JUnitReports.parse(Map.of("latin1.xml", latin1))).isInstanceOf(TestReportException.class)
                .hasMessageContaining("latin1.xml").hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> JUnitReports.parse(Map.of("deep.xml", bytes("<testsuite>" + "<x>".repeat(200)))))
                .hasMessageContaining("deep.xml").hasMessageContaining("nest deeper than 100");
    }

    @Test
    void anotherToolsXmlIsAnErrorUnlessTheDefaultGlobsFoundIt() throws Exception {
        fixture("surefire/TEST-com.example.calc.ParserTest.xml", "target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        write("target/surefire-reports/testng-results.xml", "<?xml version=\"1.0\"?><testng-results skipped=\"0\"/>");
        write("target/surefire-reports/testng-failed.xml",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE suite SYSTEM \"https://testng.org/testng-1.0.dtd\">\n<suite name=\"Failed\"/>");

        TestReport r = JUnitReports.read(checkout, null);
        assertThat(r.files()).containsExactly("target/surefire-reports/TEST-com.example.calc.ParserTest.xml");
        assertThat(r.total()).isEqualTo(3);

        assertThatThrownBy(() -> JUnitReports.read(checkout, List.of("target/surefire-reports/testng-results.xml")))
                .hasMessage("test report target/surefire-reports/testng-results.xml: root element <testng-results> is not "
                        + "<testsuites> or <testsuite>: not a JUnit XML report");
    }

    @Test
    void externalEntitiesAreNeverFetchedNorExpanded() throws Exception {
        Path secret = checkout.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/evil.dtd";
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("file.xml", bytes("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [\n  <!ENTITY xxe SYSTEM \"" + secret.toUri()
                    + "\">\n]>\n<testsuite name=\"&xxe;\"><testcase name=\"&xxe;\"/></testsuite>"));
            files.put("http.xml", bytes("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite SYSTEM \"" + url + "\">\n<testsuite name=\"a\"/>"));
            files.put("param.xml", bytes("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]>"
                    + "<testsuite/>"));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                assertThatThrownBy(() -> JUnitReports.parse(Map.of(f.getKey(), f.getValue())))
                        .isInstanceOf(TestReportException.class)
                        .hasMessageStartingWith("test report " + f.getKey() + " line 2")
                        .hasMessageContaining("has a DOCTYPE")
                        .hasMessageNotContaining("TOP-SECRET");
                write("target/surefire-reports/TEST-" + f.getKey(), f.getValue());
                assertThatThrownBy(() -> JUnitReports.read(checkout, null)).hasMessageContaining("has a DOCTYPE");
                Files.delete(checkout.resolve("target/surefire-reports/TEST-" + f.getKey()));
            }
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).as("no request for the DTD").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aBillionLaughsIsAClearFailureAtOnce() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            dtd.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
        }
        byte[] xml = bytes(dtd.append("]>\n<testsuite name=\"&lol9;\"><testcase name=\"&lol9;\"/></testsuite>").toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> JUnitReports.parse(Map.of("lol.xml", xml))).isInstanceOf(TestReportException.class)
                .hasMessageStartingWith("test report lol.xml line ").hasMessageContaining("has a DOCTYPE");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        // without its DOCTYPE, the entities are undeclared: malformed, not expanded
        byte[] bare = bytes("<testsuite name=\"&lol9;\"/>");
        assertThatThrownBy(() -> JUnitReports.parse(Map.of("bare.xml", bare))).hasMessageContaining("bare.xml line 1")
                .hasMessageContaining("lol9");
    }

    /** {@code bytes} of a report: a suite with one passing test whose output fills the size asked for. */
    private static InputStream huge(long bytes) {
        byte[] head = bytes("<testsuite name='big'><testcase name='t'><system-out>");
        byte[] tail = bytes("</system-out></testcase></testsuite>");
        long fill = bytes - head.length - tail.length;
        InputStream body = new InputStream() {
            long left = fill;

            @Override
            public int read() {
                return left-- > 0 ? 'a' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(Collections.enumeration(List.of(new java.io.ByteArrayInputStream(head), body,
                new java.io.ByteArrayInputStream(tail))));
    }

    @Test
    void aReportOverTheSizeLimitIsRefusedFromItsSizeOrWhileStreamed() throws Exception {
        Path big = checkout.resolve("target/surefire-reports/TEST-big.xml");
        Files.createDirectories(big.getParent());
        try (InputStream in = huge(JUnitReports.MAX_FILE_BYTES + 1); OutputStream out = Files.newOutputStream(big)) {
            in.transferTo(out);
        }
        assertThatThrownBy(() -> JUnitReports.read(checkout, null))
                .hasMessage("test report target/surefire-reports/TEST-big.xml: takes 50.0 MiB, over the limit of 50.0 MiB for one test report");
        Files.delete(big);

        JUnitReports.Collector c = new JUnitReports.Collector();
        assertThatThrownBy(() -> c.add("pod-log/TEST-big.xml", huge(JUnitReports.MAX_FILE_BYTES + 1)))
                .hasMessage("test report pod-log/TEST-big.xml: larger than 50.0 MiB, the limit for one test report");
        // a failed file adds nothing, its failures included
        assertThatThrownBy(() -> c.add("half.xml", new java.io.ByteArrayInputStream(bytes(
                "<testsuite><testcase name='a'><failure message='x'/></testcase><testcase"))))
                .hasMessageStartingWith("test report half.xml line 1");
        c.add("whole.xml", new java.io.ByteArrayInputStream(bytes("<testsuite><testcase name='b'/></testsuite>")));
        assertThat(c.report()).isEqualTo(new TestReport(1, 1, 0, 0, 0, 0, List.of(), List.of("whole.xml")));
    }

    @Test
    void largeReportsUnderTheLimitsStreamAndTheTotalIsBounded() throws Exception {
        JUnitReports.Collector c = new JUnitReports.Collector();
        long before = usedHeap();
        long start = System.nanoTime();
        c.add("a.xml", huge(45L * 1024 * 1024));
        long millis = (System.nanoTime() - start) / 1_000_000;
        long grown = usedHeap() - before;
        System.out.printf("45 MiB report streamed in %d ms, heap grew %d MiB%n", millis, grown >> 20);
        assertThat(c.report().total()).isEqualTo(1);
        for (String f : List.of("b.xml", "c.xml", "d.xml")) {
            c.add(f, huge(45L * 1024 * 1024));
        }
        assertThatThrownBy(() -> c.add("e.xml", huge(45L * 1024 * 1024)))
                .hasMessage("test report e.xml: the test reports take more than 200.0 MiB in all");
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void tooManyReportFilesAreRefused() throws Exception {
        Path dir = checkout.resolve("target/surefire-reports");
        Files.createDirectories(dir);
        byte[] tiny = bytes("<testsuite/>");
        for (int i = 0; i <= JUnitReports.MAX_FILES; i++) {
            Files.write(dir.resolve("TEST-" + i + ".xml"), tiny);
        }
        assertThatThrownBy(() -> JUnitReports.read(checkout, null)).isInstanceOf(TestReportException.class)
                .hasMessageStartingWith("more than 10000 files match the test report globs");
        JUnitReports.Collector c = new JUnitReports.Collector();
        List<Integer> added = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (int i = 0; i <= JUnitReports.MAX_FILES; i++) {
                c.add("r" + i + ".xml", new java.io.ByteArrayInputStream(tiny));
                added.add(i);
            }
        }).hasMessage("test report r10000.xml: more than 10000 test report files");
        assertThat(added).hasSize(JUnitReports.MAX_FILES);
    }

    @Test
    void anUnreadableCheckoutIsAClearFailure() {
        assertThatThrownBy(() -> JUnitReports.read(checkout.resolve("missing"), null)).isInstanceOf(TestReportException.class)
                .hasMessageContaining("missing").hasMessageContaining("cannot be read");
    }
}
