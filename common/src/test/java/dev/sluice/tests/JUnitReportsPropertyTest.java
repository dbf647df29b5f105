package dev.sluice.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.junit.jupiter.api.Test;

import dev.sluice.tests.TestReport.TestFailure;

/**
 * Random reports written with a standard XML writer (odd characters, escaping, CDATA, nested and case-less suites)
 * parse to the counts, durations, names and messages written. The seed is printed; {@code -Dsluice.seed=N} repeats it.
 */
class JUnitReportsPropertyTest {
    /** Characters names and messages are drawn from: XML's specials, quotes, non-ASCII, a surrogate pair, tabs. */
    private static final String[] PIECES = { "a", "Z", "0", " ", "<", ">", "&", "\"", "'", "]]>", "&amp;", "é", "ß", "中",
            "\uD83D\uDE00", "\t", "$", ".", "/", "\\", "(", ")", ":", "#", "%", "{", "}", "=", ";", "--" };

    private record Written(int total, int passed, int failed, int errored, int skipped, double seconds,
            List<TestFailure> failures) {
    }

    private final class Writer {
        final Random random;
        int total, passed, failed, errored, skipped;
        double seconds;
        final List<TestFailure> failures = new ArrayList<>();

        Writer(Random random) {
            this.random = random;
        }

        String text(int max) {
            StringBuilder s = new StringBuilder("m");
            int n = random.nextInt(max);
            for (int i = 0; i < n; i++) {
                s.append(PIECES[random.nextInt(PIECES.length)]);
            }
            return s.append('z').toString();
        }

        String time() {
            return String.format(Locale.ROOT, "%.3f", random.nextInt(5000) / 1000.0);
        }

        byte[] file() throws XMLStreamException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            XMLStreamWriter w = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            if (random.nextBoolean()) {
                w.writeStartElement("testsuites");
                w.writeAttribute("name", text(10));
                w.writeAttribute("time", time()); // not counted: the suites' times are
                int suites = random.nextInt(4);
                for (int i = 0; i < suites; i++) {
                    suite(w, 0, true);
                }
                w.writeEndElement();
            } else {
                suite(w, 0, true);
            }
            w.writeEndDocument();
            w.close();
            return out.toByteArray();
        }

        /** A suite and what it holds; returns the seconds its test cases took. */
        double suite(XMLStreamWriter w, int depth, boolean topLevel) throws XMLStreamException {
            String name = text(20);
            w.writeStartElement("testsuite");
            w.writeAttribute("name", name);
            String time = random.nextInt(5) == 0 ? null : time();
            if (time != null) {
                w.writeAttribute("time", time);
            }
            double caseSeconds = 0;
            if (random.nextInt(6) == 0) {
                // no test cases: counted by the attributes
                int f = random.nextInt(3), e = random.nextInt(3), s = random.nextInt(3), p = random.nextInt(5);
                w.writeAttribute("tests", String.valueOf(f + e + s + p));
                w.writeAttribute("failures", String.valueOf(f));
                w.writeAttribute("errors", String.valueOf(e));
                w.writeAttribute("skipped", String.valueOf(s));
                total += f + e + s + p;
                failed += f;
                errored += e;
                skipped += s;
                passed += p;
            } else {
                int cases = random.nextInt(12);
                // with test cases, the attribute is not read (write a wrong one); without, it is (write 0)
                w.writeAttribute("tests", String.valueOf(cases == 0 ? 0 : random.nextInt(100)));
                if (random.nextBoolean()) {
                    w.writeStartElement("properties");
                    w.writeEmptyElement("property");
                    w.writeAttribute("name", "go.version");
                    w.writeAttribute("value", text(5));
                    w.writeEndElement();
                }
                for (int i = 0; i < cases; i++) {
                    caseSeconds += testcase(w, name);
                    if (depth < 3 && random.nextInt(8) == 0) {
                        caseSeconds += suite(w, depth + 1, false);
                    }
                }
                if (random.nextBoolean()) {
                    w.writeStartElement("system-out");
                    w.writeCData(content(text(50)));
                    w.writeEndElement();
                }
            }
            w.writeEndElement();
            if (topLevel) {
                seconds += time != null ? Double.parseDouble(time) : caseSeconds;
            }
            return caseSeconds;
        }

        double testcase(XMLStreamWriter w, String suite) throws XMLStreamException {
            String classname = random.nextBoolean() ? text(15) : null;
            String name = text(20);
            String time = time();
            w.writeStartElement("testcase");
            if (classname != null) {
                w.writeAttribute("classname", classname);
            }
            w.writeAttribute("name", name);
            w.writeAttribute("time", time);
            total++;
            switch (random.nextInt(5)) {
                case 0, 1 -> passed++;
                case 2 -> {
                    skipped++;
                    w.writeEmptyElement("skipped");
                    if (random.nextBoolean()) {
                        w.writeAttribute("message", text(20));
                    }
                }
                default -> {
                    String kind = random.nextBoolean() ? "failure" : "error";
                    if (kind.equals("failure")) {
                        failed++;
                    } else {
                        errored++;
                    }
                    boolean attribute = random.nextBoolean();
                    String message = text(random.nextInt(3) == 0 ? 400 : 40);
                    message = attribute ? message : content(message);
                    String type = random.nextBoolean() ? "java.lang." + text(8) : null;
                    w.writeStartElement(kind);
                    if (attribute) {
                        w.writeAttribute("message", message);
                    }
                    if (type != null) {
                        w.writeAttribute("type", type);
                    }
                    String body = content((attribute ? text(30) : message) + "\n" + text(30));
                    if (random.nextBoolean()) {
                        w.writeCharacters(body);
                    } else {
                        w.writeCData(body);
                    }
                    w.writeEndElement();
                    if (random.nextInt(4) == 0) {
                        w.writeStartElement("rerunFailure");
                        w.writeAttribute("message", text(10));
                        w.writeEndElement();
                    }
                    String expectedSuite = classname != null && !classname.equals(name) ? classname : suite;
                    failures.add(new TestFailure(attributeValue(expectedSuite), attributeValue(name), kind,
                            type == null ? null : attributeValue(type), expectedMessage(message, attribute), null, null,
                            Math.round(Double.parseDouble(time) * 1000)));
                }
            }
            if (random.nextInt(4) == 0) {
                w.writeStartElement("system-out");
                w.writeCharacters(content(text(40)));
                w.writeEndElement();
            }
            w.writeEndElement();
            return Double.parseDouble(time);
        }
    }

    /**
     * Text for element content: without {@code ]]>}, which the JDK's writer leaves unescaped in characters (making XML
     * that is not well-formed) and cannot put in a CDATA section. Attributes keep it.
     */
    private static String content(String text) {
        String t = text;
        while (t.contains("]]>")) {
            t = t.replace("]]>", "]]");
        }
        return t;
    }

    /** What a parser reads back from an attribute written with a tab: XML attribute normalisation makes it a space. */
    private static String attributeValue(String written) {
        return written.replace('\t', ' ');
    }

    private static String expectedMessage(String written, boolean fromAttribute) {
        String m = (fromAttribute ? attributeValue(written) : written).strip();
        if (m.length() <= JUnitReports.MESSAGE_CHARS) {
            return m;
        }
        // cut to MESSAGE_CHARS - 1 characters and an ellipsis, never between the halves of a surrogate pair
        int end = JUnitReports.MESSAGE_CHARS - 1;
        return m.substring(0, Character.isHighSurrogate(m.charAt(end - 1)) ? end - 1 : end) + "…";
    }

    @Test
    void randomReportsParseToTheCountsWritten() throws Exception {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        System.out.println("JUnitReportsPropertyTest seed " + seed + " (-Dsluice.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            Writer w = new Writer(random);
            Map<String, byte[]> files = new TreeMap<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                files.put(String.format(Locale.ROOT, "reports/TEST-%03d.xml", i), w.file());
            }
            String where = "seed " + seed + ", round " + round;

            TestReport r = JUnitReports.parse(files);

            assertThat(List.of(r.total(), r.passed(), r.failed(), r.errored(), r.skipped())).as(where)
                    .containsExactly(w.total, w.passed, w.failed, w.errored, w.skipped);
            assertThat(r.durationMillis()).as(where).isCloseTo(Math.round(w.seconds * 1000), org.assertj.core.data.Offset.offset(1L));
            assertThat(r.files()).as(where).containsExactlyElementsOf(files.keySet());
            List<TestFailure> expected = w.failures.subList(0, Math.min(TestReport.MAX_FAILURES, w.failures.size()));
            assertThat(r.failures()).as(where).usingRecursiveFieldByFieldElementComparatorIgnoringFields("file", "line")
                    .containsExactlyElementsOf(expected);
            assertThat(JUnitReports.summary(r)).as(where).doesNotContain("\n");
        }
    }
}
