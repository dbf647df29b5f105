package dev.sluice.validate.tests;

import java.util.Map;

import dev.sluice.tests.JUnitReports;
import dev.sluice.tests.TestReport;
import dev.sluice.tests.TestReportException;

/** The one place the Kubernetes runner turns report files read back from a pod's log into a {@link TestReport}. */
final class JobReportParser {

    /** Either a report or why the files do not make one. */
    record Parsed(TestReport report, String problem) {
    }

    private JobReportParser() {
    }

    static Parsed parse(Map<String, byte[]> files) {
        try {
            return new Parsed(JUnitReports.parse(files), null);
        } catch (TestReportException e) {
            return new Parsed(null, e.getMessage());
        }
    }
}
