package dev.sluice.tests;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams one JUnit XML report with the JDK's StAX parser into a {@link JUnitReports.Collector}. Safe on hostile input:
 * a DOCTYPE is refused before anything it declares is used (so no external entity is fetched and no entity expands),
 * nesting is bounded, text is read in chunks and only the first {@link #TEXT_CHARS} characters of a failure are kept.
 */
final class JUnitXmlReader {
    /** Characters of a failure's text kept to find its first line and the stack frame that names the test's file. */
    static final int TEXT_CHARS = 64 * 1024;
    /** Deepest element nesting read; JUnit reports nest four or five deep, nested suites a few more. */
    static final int MAX_DEPTH = 100;

    private static final XMLInputFactory FACTORY = factory();
    private static final Pattern DOCTYPE_ROOT = Pattern.compile("<!DOCTYPE\\s+([^\\s\\[>]+)");

    private JUnitXmlReader() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external entity " + systemId + " refused");
        });
        f.setXMLReporter((message, type, info, location) -> {
        });
        return f;
    }

    /** What the reader makes of a file: read, or skipped (not a JUnit report, when the caller allows that). */
    enum Outcome {
        READ, NOT_JUNIT
    }

    private static final class Suite {
        final String name;
        final Double time;
        final String tests, failures, errors, skipped;
        int cases;
        boolean hasChildSuite;
        double caseSeconds;

        Suite(XMLStreamReader r) {
            name = attr(r, "name");
            time = seconds(attr(r, "time"));
            tests = attr(r, "tests");
            failures = attr(r, "failures");
            errors = attr(r, "errors");
            skipped = attr(r, "skipped") != null ? attr(r, "skipped") : attr(r, "disabled");
        }
    }

    private static final class Case {
        final String classname, name, file, line, suite;
        final Double time;
        String outcome; // null: passed so far; failure, error or skipped
        String message, type;
        StringBuilder text;

        Case(XMLStreamReader r, Suite suite) {
            classname = attr(r, "classname");
            name = attr(r, "name");
            file = attr(r, "file");
            line = attr(r, "line");
            time = seconds(attr(r, "time"));
            this.suite = suite == null ? null : suite.name;
        }
    }

    /**
     * Reads {@code in} (the file named {@code file}) into {@code into}. {@code strictRoot}: a file whose root element is
     * not a JUnit one is an error; else it is skipped ({@link Outcome#NOT_JUNIT}) and nothing is counted.
     */
    static Outcome read(String file, InputStream in, boolean strictRoot, JUnitReports.Collector into)
            throws TestReportException {
        XMLStreamReader r = null;
        JUnitReports.Counts counts = new JUnitReports.Counts();
        try {
            r = FACTORY.createXMLStreamReader(in);
            Deque<Suite> suites = new ArrayDeque<>();
            Case current = null;
            int depth = 0;
            int caseDepth = -1;
            int textDepth = -1;
            boolean rootSeen = false;
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> {
                        Matcher m = DOCTYPE_ROOT.matcher(r.getText());
                        String root = m.find() ? m.group(1) : "?";
                        if (!strictRoot && !isJUnitRoot(root)) {
                            return Outcome.NOT_JUNIT;
                        }
                        // the parser is past the DOCTYPE: name the line it starts on
                        Integer end = line(r.getLocation());
                        Integer start = end == null ? null : end - (int) r.getText().chars().filter(c -> c == '\n').count();
                        throw new TestReportException(file, start, null,
                                "has a DOCTYPE; JUnit reports have none, and no DTD is read (no external entities, no"
                                        + " entity expansion)");
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        if (depth > MAX_DEPTH) {
                            throw new TestReportException(file, line(r.getLocation()), column(r.getLocation()),
                                    "elements nest deeper than " + MAX_DEPTH);
                        }
                        String element = r.getLocalName();
                        if (!rootSeen) {
                            rootSeen = true;
                            if (!isJUnitRoot(element)) {
                                if (!strictRoot) {
                                    return Outcome.NOT_JUNIT;
                                }
                                throw new TestReportException(file, "root element <" + element
                                        + "> is not <testsuites> or <testsuite>: not a JUnit XML report");
                            }
                        }
                        if (current == null) {
                            if (element.equals("testsuite")) {
                                if (!suites.isEmpty()) {
                                    suites.peek().hasChildSuite = true;
                                }
                                suites.push(new Suite(r));
                            } else if (element.equals("testcase")) {
                                current = new Case(r, suites.peek());
                                caseDepth = depth;
                            }
                        } else if (depth == caseDepth + 1 && current.outcome == null) {
                            switch (element) {
                                case "failure", "error" -> {
                                    current.outcome = element;
                                    current.message = attr(r, "message");
                                    current.type = attr(r, "type");
                                    current.text = new StringBuilder();
                                    textDepth = depth;
                                }
                                case "skipped" -> current.outcome = "skipped";
                                default -> {
                                    // system-out, system-err, properties, flakyFailure/flakyError (a rerun passed),
                                    // rerunFailure/rerunError (follow the failure they repeat): no outcome of their own
                                }
                            }
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (current != null && depth == textDepth && current.text != null) {
                            int room = TEXT_CHARS - current.text.length();
                            if (room > 0) {
                                current.text.append(r.getTextCharacters(), r.getTextStart(),
                                        Math.min(room, r.getTextLength()));
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        String element = r.getLocalName();
                        if (depth == textDepth) {
                            textDepth = -1;
                        }
                        if (current != null && depth == caseDepth) {
                            counts.add(current.outcome);
                            double seconds = current.time == null ? 0 : current.time;
                            if (suites.isEmpty()) {
                                counts.seconds += seconds;
                            } else {
                                suites.peek().cases++;
                                suites.peek().caseSeconds += seconds;
                            }
                            if ("failure".equals(current.outcome) || "error".equals(current.outcome)) {
                                into.failure(current.suite, current.classname, current.name, current.outcome,
                                        current.type, current.message, current.text.toString(), current.file,
                                        current.line, current.time);
                            }
                            current = null;
                            caseDepth = -1;
                        } else if (current == null && element.equals("testsuite") && !suites.isEmpty()) {
                            Suite s = suites.pop();
                            if (s.cases == 0 && !s.hasChildSuite) {
                                counts.fromAttributes(count(s.tests), count(s.failures), count(s.errors),
                                        count(s.skipped));
                            }
                            if (suites.isEmpty()) {
                                counts.seconds += s.time != null ? s.time : s.caseSeconds;
                            } else {
                                suites.peek().cases += s.cases;
                                suites.peek().caseSeconds += s.caseSeconds;
                            }
                        }
                        depth--;
                    }
                    default -> {
                        // comments, processing instructions, the document's start and end
                    }
                }
            }
            if (!rootSeen) {
                throw new TestReportException(file, "has no root element (empty, or not XML)");
            }
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            throw new TestReportException(file, at == null ? null : line(at), at == null ? null : column(at),
                    "not well-formed XML: " + parserMessage(e));
        } catch (RuntimeException e) {
            // the parser's own faults on odd input (it may throw unchecked): still this file's failure, never a crash
            throw new TestReportException(file, "not readable as XML: " + e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing is left to release: the stream is the caller's
                }
            }
        }
        into.add(counts);
        return Outcome.READ;
    }

    private static boolean isJUnitRoot(String element) {
        return element.equals("testsuites") || element.equals("testsuite");
    }

    private static String attr(XMLStreamReader r, String name) {
        String value = r.getAttributeValue(null, name);
        return value == null || value.isBlank() ? null : value;
    }

    /** A count attribute; absent or unreadable counts as 0 (the attribute is only a fallback). */
    private static int count(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A {@code time} attribute in seconds: {@code 0.052}, and the locale-formatted numbers old Surefire versions wrote
     * ({@code 1,234.5} and {@code 0,052}). Unreadable, negative or not finite: null.
     */
    static Double seconds(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        v = v.contains(".") ? v.replace(",", "") : v.replace(',', '.');
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) && d >= 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer line(Location l) {
        return l.getLineNumber() > 0 ? l.getLineNumber() : null;
    }

    private static Integer column(Location l) {
        return l.getColumnNumber() > 0 ? l.getColumnNumber() : null;
    }

    /** The JDK parser's message without its "ParseError at [row,col]:[3,3]" preamble (the exception says where). */
    private static String parserMessage(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int at = m.indexOf("Message: ");
        m = at >= 0 ? m.substring(at + 9) : m;
        return m.strip();
    }
}
