package dev.sluice.validate.tests;

import java.nio.file.Path;
import java.util.List;

import dev.sluice.tests.JUnitReports;
import dev.sluice.tests.TestReport;
import dev.sluice.tests.TestReportException;

/** The JUnit XML reports a local runner's command left in its working copy, read by common's {@link JUnitReports}. */
final class Reports {
    private Reports() {
    }

    /** The reports could not be read: malformed, too large, too many. The message says which and why. */
    static final class Unreadable extends RuntimeException {
        Unreadable(TestReportException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * What the reports matching {@code globs} under {@code checkout} say; a report naming no files when there are none.
     *
     * @throws Unreadable when one cannot be read
     */
    static TestReport read(Path checkout, List<String> globs) {
        try {
            return JUnitReports.read(checkout, globs);
        } catch (TestReportException e) {
            throw new Unreadable(e);
        }
    }

    /** Whether a report was found. */
    static boolean found(TestReport report) {
        return report != null && report.files() != null && !report.files().isEmpty();
    }
}
