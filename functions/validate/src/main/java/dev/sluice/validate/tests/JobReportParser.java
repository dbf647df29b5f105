package dev.sluice.validate.tests;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.sluice.tests.TestReport;

/**
 * The one place the Kubernetes runner turns report files into a {@link TestReport}.
 *
 * <p>TEMPORARY: {@link #parse} holds a minimal JUnit XML reader until common's {@code dev.sluice.tests.JUnitReports}
 * (branch {@code reports}) is merged; then its body becomes
 * {@code try { return new Parsed(JUnitReports.parse(files), null); } catch (TestReportException e) { return new Parsed(null, e.getMessage()); }}
 * and everything below it goes. Remove once {@code JUnitReports} is on main.
 */
final class JobReportParser {

    /** Either a report or why the files do not make one. */
    record Parsed(TestReport report, String problem) {
    }

    private JobReportParser() {
    }

    static Parsed parse(Map<String, byte[]> files) {
        // TEMPORARY minimal reader (see the class comment): replace with JUnitReports.parse(files).
        int total = 0, failed = 0, errored = 0, skipped = 0;
        long millis = 0;
        List<TestReport.TestFailure> failures = new ArrayList<>();
        for (var file : files.entrySet()) {
            Element root;
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                f.setExpandEntityReferences(false);
                root = f.newDocumentBuilder().parse(new ByteArrayInputStream(file.getValue())).getDocumentElement();
            } catch (Exception e) {
                return new Parsed(null, file.getKey() + " is not well-formed XML: " + e.getMessage());
            }
            if (!root.getTagName().equals("testsuite") && !root.getTagName().equals("testsuites")) {
                return new Parsed(null, file.getKey() + " is not a JUnit XML report (root element <" + root.getTagName() + ">)");
            }
            NodeList cases = root.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                total++;
                millis += seconds(c.getAttribute("time"));
                Element problem = first(c, "failure");
                String kind = "failure";
                if (problem == null) {
                    problem = first(c, "error");
                    kind = "error";
                }
                if (problem != null) {
                    if (kind.equals("failure")) {
                        failed++;
                    } else {
                        errored++;
                    }
                    if (failures.size() < TestReport.MAX_FAILURES) {
                        String message = problem.getAttribute("message");
                        String line = message.lines().findFirst().orElse("");
                        failures.add(new TestReport.TestFailure(c.getAttribute("classname"), c.getAttribute("name"), kind,
                                blank(problem.getAttribute("type")), line.length() > 200 ? line.substring(0, 200) : blank(line),
                                blank(c.getAttribute("file")), null, seconds(c.getAttribute("time"))));
                    }
                } else if (first(c, "skipped") != null) {
                    skipped++;
                }
            }
        }
        if (files.isEmpty()) {
            return new Parsed(null, null);
        }
        return new Parsed(new TestReport(total, total - failed - errored - skipped, failed, errored, skipped, millis, failures,
                List.copyOf(files.keySet())), null);
    }

    private static Element first(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    private static long seconds(String s) {
        try {
            return s == null || s.isBlank() ? 0 : Math.round(Double.parseDouble(s.replace(",", "")) * 1000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
