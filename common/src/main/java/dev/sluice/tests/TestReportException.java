package dev.sluice.tests;

/**
 * A JUnit XML report Sluice will not read: malformed XML (with the line and column), a DOCTYPE, a root element that is
 * not {@code testsuites}/{@code testsuite}, or a file, a total or a number of files over {@link JUnitReports}' limits.
 * The message names the file (relative to the checkout) so a run's failure reason says which report is at fault.
 */
public class TestReportException extends Exception {
    private final String file;
    private final Integer line;
    private final Integer column;

    public TestReportException(String file, Integer line, Integer column, String problem) {
        super(describe(file, line, column, problem));
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public TestReportException(String file, String problem) {
        this(file, null, null, problem);
    }

    private static String describe(String file, Integer line, Integer column, String problem) {
        StringBuilder s = new StringBuilder();
        if (file != null) {
            s.append("test report ").append(file);
            if (line != null && line > 0) {
                s.append(" line ").append(line);
                if (column != null && column > 0) {
                    s.append(", column ").append(column);
                }
            }
            s.append(": ");
        }
        return s.append(problem).toString();
    }

    /** The report file at fault, relative to the checkout; null when the problem is the reports as a whole. */
    public String file() {
        return file;
    }

    /** The line of a malformed file the XML parser stopped at, if it said. */
    public Integer line() {
        return line;
    }

    public Integer column() {
        return column;
    }
}
