package dev.sluice.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The per-repository settings of {@code .sluice.yaml} (DESIGN.md). Every field is optional; {@link #defaults()}
 * serves a repository that has no file. Unknown keys are refused, so a typo fails loudly instead of being ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SluiceSettings(String project, List<EnvironmentSettings> environments, List<String> manifests, Risk risk,
        Limits limits, Analysis analysis, Validation validation, Tests tests) {

    public static final String FILE = ".sluice.yaml";
    public static final List<String> DEFAULT_MANIFESTS = List.of("k8s/", "deploy/", "manifests/", "knative/");

    /**
     * {@code prune}: delete objects the previous release created and this one dropped. {@code shared}: the namespace
     * may also be deployed to by other projects that mark it shared too ({@link Projects}). {@code selfHeal}: apply
     * the verified release again when the live objects drift from it.
     */
    public record EnvironmentSettings(String name, String branch, String tag, String namespace, String strategy,
            Canary canary, String approval, Boolean prune, Boolean shared, Boolean selfHeal) {
    }

    /**
     * {@code probe}: an HTTP check on the tagged canary revision before each step; {@code maxRestarts}: container
     * restarts tolerated; {@code analysis}: Prometheus metrics judged at each step (deploy's defaults when absent).
     */
    public record Canary(List<Integer> steps, String interval, Probe probe, Integer maxRestarts, CanaryAnalysis analysis) {
    }

    /**
     * Metric analysis of a canary: every {@code interval} each metric's query is run against Prometheus; a check where
     * one fails counts against the step, and {@code failureLimit} failed checks in a step roll back. {@code metrics}
     * absent: deploy's defaults (request success rate and p99 latency from Knative's queue-proxy); empty: none.
     */
    public record CanaryAnalysis(String interval, Integer failureLimit, List<Metric> metrics) {
    }

    /**
     * One metric: a PromQL {@code query} ({@code {{revision}}}, {@code {{namespace}}}, {@code {{service}}},
     * {@code {{interval}}} substituted), which must stay at least {@code min} and/or at most {@code max};
     * {@code noData} says what an empty answer is: {@code wait} (the default), {@code pass} or {@code fail}.
     */
    public record Metric(String name, String query, Double min, Double max, String noData) {
    }

    public record Probe(String path, String maxLatency) {
    }

    /**
     * The repository's own tests (issue 16), run after validation and before the run queues; absent: no test gate.
     * {@code image}: the container image the tests run in; {@code command}: the command, as an argument list (a
     * single string runs with {@code sh -c}); {@code timeout}: the whole run of the tests, as {@code 90s}, {@code 15m};
     * {@code cpu} and {@code memory}: limits as Kubernetes writes them ({@code 2}, {@code 500m}, {@code 2Gi});
     * {@code reports}: globs, relative to the checkout, of the JUnit XML reports ({@link #DEFAULT_TEST_REPORTS} when
     * absent); {@code network}: whether the tests may reach the network (no by default).
     */
    public record Tests(String image, List<String> command, String timeout, String cpu, String memory, List<String> reports,
            Boolean network) {
        private static final Pattern TIMEOUT = Pattern.compile("([1-9][0-9]{0,5})(ms|s|m|h)");

        /** {@code timeout} as a Duration: the one reader of the format for route and every test runner. */
        public Duration timeoutDuration() {
            return parseTimeout(timeout);
        }

        /** A tests timeout ({@code 90s}, {@code 15m}, {@code 1h}, {@code 500ms}); anything else is a SettingsException. */
        public static Duration parseTimeout(String timeout) {
            java.util.regex.Matcher m = timeout == null ? null : TIMEOUT.matcher(timeout.trim());
            if (m == null || !m.matches()) {
                throw new SettingsException("tests.timeout '" + timeout + "' is not a duration such as 90s, 15m or 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }

    /** Where Maven Surefire/Failsafe, Gradle, pytest, Jest (jest-junit) and go-junit-report usually write JUnit XML. */
    public static final List<String> DEFAULT_TEST_REPORTS = List.of("**/target/surefire-reports/*.xml",
            "**/target/failsafe-reports/*.xml", "**/build/test-results/**/*.xml", "**/junit*.xml", "**/test-results/**/*.xml",
            "**/reports/*.xml", "**/report.xml");

    /** Known false positives of analyze's rules (the secret scanner above all), each with the reason it is allowed. */
    public record Analysis(List<Allow> allow) {
    }

    /** An allowed finding: by rule id, a path glob and/or a finding's fingerprint; {@code reason} is required. */
    public record Allow(String rule, String path, String fingerprint, String reason) {
    }

    /** validate's settings: per-rule severity ({@code error}, {@code warning}, {@code info}, {@code off}). */
    public record Validation(Boolean failOnWarnings, java.util.Map<String, RuleSetting> rules) {
    }

    public record RuleSetting(String severity) {
    }

    public record Risk(Integer approveBelow, Integer rejectAbove) {
    }

    /** Limits of the first rule set: a change above {@code reviewLines} changed lines needs review. */
    public record Limits(Integer reviewLines) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // tests.command: one string (run with sh -c) or a list of arguments
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    public static SluiceSettings defaults() {
        return new SluiceSettings(null, null, null, null, null, null, null, null).withDefaults();
    }

    /** Parses a {@code .sluice.yaml}, filling in defaults. */
    public static SluiceSettings parse(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return defaults();
        }
        try {
            SluiceSettings s = YAML.readValue(yaml, SluiceSettings.class);
            return (s == null ? defaults() : s.withDefaults()).validated();
        } catch (JsonProcessingException e) {
            // SnakeYAML's problem mark is where the problem is; Jackson's location can be where the context began.
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null
                        && marked.getProblem() != null) {
                    var mark = marked.getProblemMark();
                    throw new SettingsException(FILE + " does not parse at line " + (mark.getLine() + 1) + ", column "
                            + (mark.getColumn() + 1) + ": " + marked.getProblem()
                            + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")"), e);
                }
            }
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw new SettingsException(FILE + " does not parse" + where + ": " + (nl > 0 ? msg.substring(0, nl) : msg), e);
        }
    }

    private SluiceSettings withDefaults() {
        List<EnvironmentSettings> envs = new ArrayList<>();
        if (environments == null) {
            envs.add(new EnvironmentSettings("production", "main", null, "default", "canary", null, "auto", false, false, false));
        } else {
            envs.addAll(environments);
        }
        List<EnvironmentSettings> filled = new ArrayList<>();
        for (EnvironmentSettings e : envs) {
            filled.add(new EnvironmentSettings(e.name(), e.branch(), e.tag(),
                    e.namespace() == null ? "default" : e.namespace(),
                    e.strategy() == null ? "canary" : e.strategy(),
                    new Canary(e.canary() == null || e.canary().steps() == null ? List.of(10, 25, 50, 75, 100) : e.canary().steps(),
                            e.canary() == null || e.canary().interval() == null ? "30s" : e.canary().interval(),
                            e.canary() == null ? null : e.canary().probe(),
                            e.canary() == null || e.canary().maxRestarts() == null ? 0 : e.canary().maxRestarts(),
                            e.canary() == null ? null : e.canary().analysis()),
                    e.approval() == null ? "auto" : e.approval(),
                    e.prune() != null && e.prune(), e.shared() != null && e.shared(), e.selfHeal() != null && e.selfHeal()));
        }
        return new SluiceSettings(project, List.copyOf(filled),
                manifests == null ? DEFAULT_MANIFESTS : List.copyOf(manifests),
                new Risk(risk == null || risk.approveBelow() == null ? 40 : risk.approveBelow(),
                        risk == null || risk.rejectAbove() == null ? 75 : risk.rejectAbove()),
                new Limits(limits == null || limits.reviewLines() == null ? 1000 : limits.reviewLines()),
                new Analysis(analysis == null || analysis.allow() == null ? List.of() : List.copyOf(analysis.allow())),
                new Validation(validation != null && Boolean.TRUE.equals(validation.failOnWarnings()),
                        validation == null || validation.rules() == null ? java.util.Map.of() : java.util.Map.copyOf(validation.rules())),
                tests == null ? null : new Tests(tests.image(), tests.command() == null ? null : List.copyOf(tests.command()),
                        tests.timeout() == null ? "15m" : tests.timeout(), tests.cpu() == null ? "2" : tests.cpu(),
                        tests.memory() == null ? "2Gi" : tests.memory(),
                        tests.reports() == null || tests.reports().isEmpty() ? DEFAULT_TEST_REPORTS : List.copyOf(tests.reports()),
                        tests.network() != null && tests.network()));
    }

    private SluiceSettings validated() {
        if (project != null && !Projects.NAME.matcher(project).matches()) {
            throw new SettingsException(FILE + ": project '" + project + "' is not a project name: 1 to 100 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit (no '/': a repository's own project is named by its URL)");
        }
        for (EnvironmentSettings e : environments) {
            if (e.name() == null || e.name().isBlank()) {
                throw new SettingsException(FILE + ": every environment needs a name");
            }
            if ((e.branch() == null) == (e.tag() == null)) {
                throw new SettingsException(FILE + ": environment " + e.name() + " needs exactly one of branch or tag");
            }
            if (!List.of("canary", "rolling", "direct").contains(e.strategy())) {
                throw new SettingsException(FILE + ": environment " + e.name() + " has strategy '" + e.strategy()
                        + "'; use canary, rolling or direct");
            }
            if (!List.of("auto", "manual").contains(e.approval())) {
                throw new SettingsException(FILE + ": environment " + e.name() + " has approval '" + e.approval()
                        + "'; use auto or manual");
            }
            for (Integer step : e.canary().steps()) {
                if (step == null || step < 1 || step > 100) {
                    throw new SettingsException(FILE + ": environment " + e.name() + " has canary step " + step
                            + "; steps are percentages from 1 to 100");
                }
            }
            validated(e.name(), e.canary().analysis());
        }
        for (Allow a : analysis.allow()) {
            if (a.reason() == null || a.reason().isBlank()) {
                throw new SettingsException(FILE + ": every analysis.allow entry needs a reason");
            }
            if (a.rule() == null && a.path() == null && a.fingerprint() == null) {
                throw new SettingsException(FILE + ": an analysis.allow entry needs a rule, a path or a fingerprint");
            }
        }
        for (var r : validation.rules().entrySet()) {
            String sev = r.getValue() == null ? null : r.getValue().severity();
            if (!List.of("error", "warning", "info", "off").contains(sev)) {
                throw new SettingsException(FILE + ": validation rule " + r.getKey() + " has severity '" + sev
                        + "'; use error, warning, info or off");
            }
        }
        if (tests != null) {
            validated(tests);
        }
        if (risk.approveBelow() > risk.rejectAbove()) {
            throw new SettingsException(FILE + ": risk.approveBelow (" + risk.approveBelow()
                    + ") must not be above risk.rejectAbove (" + risk.rejectAbove() + ")");
        }
        return this;
    }

    private static void validated(String environment, CanaryAnalysis analysis) {
        if (analysis == null) {
            return;
        }
        String where = FILE + ": environment " + environment + " canary.analysis";
        if (analysis.failureLimit() != null && analysis.failureLimit() < 1) {
            throw new SettingsException(where + ".failureLimit must be at least 1, got " + analysis.failureLimit());
        }
        for (Metric m : analysis.metrics() == null ? List.<Metric> of() : analysis.metrics()) {
            String name = m == null || m.name() == null || m.name().isBlank() ? null : m.name();
            if (name == null || m.query() == null || m.query().isBlank()) {
                throw new SettingsException(where + ": every metric needs a name and a query");
            }
            if (m.min() == null && m.max() == null) {
                throw new SettingsException(where + " metric " + name + " needs a threshold: min, max or both");
            }
            if (m.noData() != null && !List.of("wait", "pass", "fail").contains(m.noData())) {
                throw new SettingsException(where + " metric " + name + " has noData '" + m.noData() + "'; use wait, pass or fail");
            }
        }
    }

    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?");

    private static void validated(Tests t) {
        String where = FILE + ": tests";
        if (t.image() == null || t.image().isBlank()) {
            throw new SettingsException(where + " needs an image (the container image the tests run in)");
        }
        if (t.command() == null || t.command().isEmpty() || t.command().stream().anyMatch(c -> c == null || c.isEmpty())) {
            throw new SettingsException(where + " needs a command: a list of arguments, or one string for sh -c");
        }
        try {
            Tests.parseTimeout(t.timeout());
        } catch (SettingsException e) {
            throw new SettingsException(FILE + ": " + e.getMessage());
        }
        if (!QUANTITY.matcher(t.cpu()).matches()) {
            throw new SettingsException(where + ".cpu '" + t.cpu() + "' is not a CPU quantity such as 2 or 500m");
        }
        if (!QUANTITY.matcher(t.memory()).matches()) {
            throw new SettingsException(where + ".memory '" + t.memory() + "' is not a memory quantity such as 512Mi or 2Gi");
        }
        for (String r : t.reports()) {
            if (r == null || r.isBlank() || r.startsWith("/") || java.util.Arrays.asList(r.split("/")).contains("..")) {
                throw new SettingsException(where + ".reports entry '" + r + "' must be a glob inside the checkout");
            }
        }
    }

    /** The environment of that name, if the file has one. */
    public Optional<EnvironmentSettings> environment(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The environment a ref deploys to, if any: the first whose branch or tag pattern matches. */
    public Optional<EnvironmentSettings> environmentFor(String ref) {
        for (EnvironmentSettings e : environments) {
            if (e.branch() != null && ref.startsWith("refs/heads/") && glob(e.branch()).matcher(ref.substring(11)).matches()) {
                return Optional.of(e);
            }
            if (e.tag() != null && ref.startsWith("refs/tags/") && glob(e.tag()).matcher(ref.substring(10)).matches()) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The settings a run works with once its ref is known: what analyze returns to route. {@code project} is the one
     * the file names, or null: {@link Projects#of} then names it by the repository.
     */
    public ResolvedSettings resolve(String ref) {
        Optional<EnvironmentSettings> env = environmentFor(ref);
        return new ResolvedSettings(project, env.map(EnvironmentSettings::shared).orElse(null),
                env.map(EnvironmentSettings::name).orElse(null),
                env.map(EnvironmentSettings::namespace).orElse(null),
                env.map(EnvironmentSettings::strategy).orElse(null),
                env.map(EnvironmentSettings::approval).orElse(null),
                env.map(EnvironmentSettings::canary).orElse(null),
                manifests, risk, limits, tests);
    }

    /** A glob where {@code *} matches within a path segment and {@code **} across segments. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
