package dev.sluice.route.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.sluice.events.EventCodec;
import dev.sluice.report.StageReport;
import dev.sluice.route.api.RunView;
import dev.sluice.tests.TestReport;

/**
 * What a run's page shows: the run with its transitions, and the parts of its stage reports (as analyze, validate and
 * deploy stored them) a person reads. Secret findings carry no value; Secret fields in the plan are fingerprints.
 */
@RegisterForReflection(targets = { RunPage.Analysis.class, RunPage.Totals.class, RunPage.Factor.class, RunPage.LineCount.class,
        RunPage.Graph.class, RunPage.Secret.class, RunPage.Validation.class, RunPage.Finding.class, RunPage.Deployment.class,
        RunPage.PlannedObject.class, RunPage.Change.class, RunPage.ObjectRef.class, RunPage.Revision.class, RunPage.Step.class,
        RunPage.Tests.class, TestReport.class, TestReport.TestFailure.class })
record RunPage(RunView run, Analysis analysis, Validation validation, Tests tests, Deployment deployment) {

    static RunPage of(RunView run) {
        return new RunPage(run, read(run, StageReport.ANALYSIS, Analysis.class), read(run, StageReport.VALIDATION, Validation.class),
                tests(run), read(run, StageReport.DEPLOYMENT, Deployment.class));
    }

    /** The test gate's latest word, as route keeps it on the run (tests.progressed, then tests.completed). */
    private static Tests tests(RunView run) {
        JsonNode summary = run.stages() == null ? null : run.stages().get("tests");
        if (summary == null) {
            return null;
        }
        try {
            return EventCodec.json().treeToValue(summary, Tests.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Where the page hears of this run's transitions. */
    public String stream() {
        return "/ui/runs/" + run.id() + "/events";
    }

    public boolean awaitingApproval() {
        return "AWAITING_APPROVAL".equals(run.state());
    }

    /** The transitions, newest first. */
    public List<RunView.TransitionView> timeline() {
        List<RunView.TransitionView> t = new ArrayList<>(run.transitions());
        t.sort(Comparator.comparing(RunView.TransitionView::at).reversed());
        return t;
    }

    private static <T> T read(RunView run, String stage, Class<T> type) {
        StageReport report = StageReport.latest(run.id(), stage);
        if (report == null) {
            return null;
        }
        try {
            return EventCodec.json().readValue(report.report, type);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Analysis(String decision, Integer riskScore, Double confidence, Totals totals, List<Factor> factors,
            Map<String, LineCount> languages, Graph graph, List<Secret> secrets, List<String> recommendations) {

        public List<Language> languageList() {
            if (languages == null) {
                return List.of();
            }
            return languages.entrySet().stream().map(e -> new Language(e.getKey(), e.getValue().files(), e.getValue().code()))
                    .sorted(Comparator.comparingLong(Language::code).reversed()).toList();
        }

        public String reachPercent() {
            return graph == null ? null : String.format(Locale.ROOT, "%.0f%%", graph.reach() * 100);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Totals(int files, int linesAdded, int linesRemoved) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Factor(String id, int weight, String message, String forces) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record LineCount(long files, long code) {
    }

    record Language(String name, long files, long code) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Graph(int files, int dependents, double reach, List<String> sampleDependents) {
    }

    /** A secret the scanner found: its kind and place only, never the value. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Secret(String kind, String file, int line) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Validation(boolean passed, String summary, List<Finding> findings) {

        /** The findings by severity, errors first. */
        public List<Group> groups() {
            List<Group> groups = new ArrayList<>();
            for (String severity : List.of("ERROR", "WARNING", "INFO")) {
                List<Finding> these = findings == null ? List.of()
                        : findings.stream().filter(f -> severity.equalsIgnoreCase(f.severity())).toList();
                if (!these.isEmpty()) {
                    groups.add(new Group(severity, these));
                }
            }
            return groups;
        }
    }

    record Group(String severity, List<Finding> findings) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Finding(String ruleId, String severity, String category, String kind, String namespace, String name, String file,
            int line, String message, String remediation) {
    }

    /** {@code outcome} once the tests ended; before that {@code phase} (started, running) and {@code detail}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Tests(String outcome, Integer exitCode, TestReport report, String reason, String phase, String detail) {
        /** "12/12 passed in 3.4 s". */
        public String counts() {
            return report == null ? null : dev.sluice.route.orchestration.RunOrchestrator.counts(report);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Deployment(String mode, boolean applied, String releaseId, String environment, String namespace, String strategy,
            String summary, String outcome, List<PlannedObject> objects, List<ObjectRef> wouldPrune, List<Revision> revisions,
            List<Step> steps) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PlannedObject(int order, String apiVersion, String kind, String namespace, String name, String file, Integer line,
            String action, List<Change> changes) {
    }

    /** One changed field, its value before and after as kubectl diff would print them (JSON; text without quotes). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Change(String path, String op, JsonNode before, JsonNode after) {
        public String beforeText() {
            return text(before);
        }

        public String afterText() {
            return text(after);
        }

        private static String text(JsonNode v) {
            return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ObjectRef(String kind, String namespace, String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Revision(String namespace, String service, String revision, String previous) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Step(int step, int percent, Instant at, String health) {
    }
}
