package dev.sluice.tests;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the JUnit XML reports of one run of a repository's tests say (issue 16): counts, the time the suites took, and
 * the first failures (at most {@link #MAX_FAILURES}, so an event stays small; {@code failed + errored} counts them all).
 * {@code files} names the report files read, relative to the checkout. Read from JUnit XML by {@link JUnitReports};
 * {@link JUnitReports#summary} makes the one line a run's history shows.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestReport(int total, int passed, int failed, int errored, int skipped, long durationMillis,
        List<TestFailure> failures, List<String> files) {

    public static final int MAX_FAILURES = 20;

    /**
     * One failed ({@code kind} {@code failure}: an assertion) or erred ({@code error}: an exception) test case.
     * {@code suite}: the suite or class; {@code file} and {@code line}: where, when the report tells (a {@code file}
     * attribute, or a stack frame of the suite's class); {@code message}: the first line of the message, cut short.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TestFailure(String suite, String name, String kind, String type, String message, String file, Integer line,
            Long durationMillis) {
    }
}
