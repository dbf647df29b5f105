package dev.sluice.validate.tests;

import java.time.Instant;
import java.util.function.Supplier;

import dev.sluice.events.Payloads.TestsOutcome;
import dev.sluice.tests.JUnitReports;
import dev.sluice.tests.TestReport;
import dev.sluice.validate.tests.TestRunner.TestJob;
import dev.sluice.validate.tests.TestRunner.TestStatus.Finished;

/**
 * The outcome of an ended execution of the local runners, from its exit code and the reports it left: reports found →
 * FAILED if a test failed or erred or the command exited non-zero, else PASSED; no reports → PASSED (saying none was
 * found) when it exited 0, else FAILED with the last lines of its output; a report that cannot be read → ERROR. The
 * reason says what the reports say as {@link JUnitReports#summary} does.
 */
final class Verdicts {
    private Verdicts() {
    }

    /** Lines of output a failure without reports carries in its reason. */
    static final int LOG_LINES = 40;

    /**
     * @param exitCode the command's exit code, null when unknown
     * @param timedOut whether it was stopped for running longer than {@code tests.timeout}
     * @param cause    what else is known of its end (out of memory), or null
     * @param logTail  the last lines of its output, asked only when a reason needs them
     */
    static Finished judge(TestWorkspace ws, TestJob job, Integer exitCode, boolean timedOut, String cause,
            Supplier<String> logTail, Instant endedAt) {
        TestReport report;
        try {
            report = Reports.read(ws.work(), job.tests().reports());
        } catch (Reports.Unreadable e) {
            return new Finished(TestsOutcome.ERROR, null, exitCode, "the test reports cannot be read: " + e.getMessage(), endedAt);
        }
        boolean found = Reports.found(report);
        if (!found) {
            report = null;
        }
        String prefix = cause == null ? "" : cause + "; ";
        if (timedOut) {
            return new Finished(TestsOutcome.TIMED_OUT, report, exitCode, prefix + "the tests ran longer than their timeout of "
                    + job.tests().timeout() + " and were stopped" + (found ? " (" + JUnitReports.summary(report) + " by then)" : ""),
                    endedAt);
        }
        if (exitCode == null) {
            return new Finished(TestsOutcome.ERROR, report, null, prefix + "the tests ended without an exit code", endedAt);
        }
        if (found) {
            if (report.failed() + report.errored() > 0) {
                return new Finished(TestsOutcome.FAILED, report, exitCode, prefix + JUnitReports.summary(report), endedAt);
            }
            if (exitCode != 0) {
                return new Finished(TestsOutcome.FAILED, report, exitCode, prefix + "the command exited with " + exitCode
                        + " though its reports show no failure (" + JUnitReports.summary(report) + ")" + tail(logTail), endedAt);
            }
            return new Finished(TestsOutcome.PASSED, report, exitCode, prefix + JUnitReports.summary(report), endedAt);
        }
        String none = "no JUnit XML report found under " + String.join(", ", job.tests().reports());
        if (exitCode == 0) {
            return new Finished(TestsOutcome.PASSED, null, 0, prefix + "the command exited with 0; " + none, endedAt);
        }
        return new Finished(TestsOutcome.FAILED, null, exitCode, prefix + "the command exited with " + exitCode + "; " + none
                + tail(logTail), endedAt);
    }

    private static String tail(Supplier<String> logTail) {
        String tail = logTail.get();
        return tail == null || tail.isBlank() ? "" : "; its last lines:\n" + tail;
    }
}
