package dev.sluice.validate.tests;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.events.EventCodec;
import dev.sluice.git.GitRepositories;
import dev.sluice.validate.tests.TestWorkspace.Output;

/**
 * Runs the tests in a podman container named by the job's handle: the commit's checkout mounted read-only at
 * {@code /src}, a writable host folder at {@code /work} into which the container first copies it, and the command run
 * there. No network unless {@code tests.network}, CPU, memory and process limits from the settings, a read-only root
 * file system (tmpfs on /tmp, /run, /var/tmp), no capabilities, no new privileges, nothing of validate's environment.
 * The image must be in podman's local store: this runner never pulls.
 * <p>
 * A check reads the container ({@code podman inspect}); once it ended, the outcome is judged from its exit code and the
 * JUnit XML reports left in the host's {@code work/} folder, kept in {@code result.json}, and the container and the
 * copies are removed: a later check answers from that file.
 */
@ApplicationScoped
public class PodmanTestRunner implements TestRunner {
    static final String NAME = "podman";
    /** Copies the checkout into the writable folder and runs the command there. */
    static final String ENTRY = "cp -a /src/. /work/ && cd /work && exec \"$@\"";
    private static final Duration CLI = Duration.ofSeconds(60);
    private static final Duration PROBE_FOR = Duration.ofSeconds(30);

    /** Where each execution gets its folder; a folder under java.io.tmpdir by default. */
    @ConfigProperty(name = "sluice.validate.tests.work-dir")
    Optional<String> workDir;

    /** The podman command, with any global options ({@code podman --runtime runc}). */
    @ConfigProperty(name = "sluice.validate.tests.podman.command", defaultValue = "podman")
    String podman;

    @ConfigProperty(name = "sluice.validate.tests.podman.pids-limit", defaultValue = "4096")
    int pidsLimit;

    @Inject
    GitRepositories git;

    private volatile Optional<String> probed;
    private volatile long probedAt;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailable() {
        long now = System.nanoTime();
        Optional<String> known = probed;
        if (known != null && now - probedAt < PROBE_FOR.toNanos()) {
            return known;
        }
        Output info = podman(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"), CLI);
        known = info.ok() ? Optional.empty()
                : Optional.of("podman does not run here (" + String.join(" ", command()) + " info: " + firstLine(info.text()) + ")");
        probed = known;
        probedAt = now;
        return known;
    }

    @Override
    public String start(TestJob job) {
        unavailable().ifPresent(why -> {
            throw new TestRunnerException(why);
        });
        TestWorkspace ws = TestWorkspace.of(workDir, job);
        Duration timeout = TestWorkspace.timeout(job.tests().timeout());
        List<String> command = TestWorkspace.command(job);
        String cpus = cpus(job.tests().cpu());
        String memory = memory(job.tests().memory());
        String image = job.tests().image();
        if (!ws.create()) {
            return "already started in podman container " + job.handle();
        }
        try {
            if (!podman(List.of("image", "exists", image), CLI).ok()) {
                throw new TestRunnerException("the test image " + image + " is not in podman's local image store, and the podman "
                        + "runner never pulls (no registry need be reachable): make or load it there first "
                        + "(deploy/podman/test-image.sh makes localhost/sluice-test-python:bookworm)");
            }
            ws.checkOut(git, job);
            Files.createDirectory(ws.work(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            Files.setPosixFilePermissions(ws.work(), PosixFilePermissions.fromString("rwxrwxrwx"));
            boolean network = Boolean.TRUE.equals(job.tests().network());
            List<String> run = new ArrayList<>(List.of("run", "-d", "--name", job.handle(), "--pull=never",
                    "--label", "sluice.run=" + job.runId(), "--label", "sluice.attempt=" + job.attempt(),
                    "--label", "sluice.tests=" + job.handle(),
                    "--cpus", cpus, "--memory", memory, "--memory-swap", memory, "--pids-limit", Integer.toString(pidsLimit),
                    "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    // a backstop when no check comes: a check stops it at the timeout itself
                    "--timeout", Long.toString(timeout.toSeconds() + 60),
                    "-v", ws.checkout() + ":/src:ro", "-v", ws.work() + ":/work:rw", "--workdir", "/work",
                    "-e", "HOME=/work", "-e", "CI=true"));
            if (!network) {
                run.add("--network=none");
            }
            run.addAll(List.of("--entrypoint", "sh", image, "-c", ENTRY, "sluice-tests"));
            run.addAll(command);
            ws.write("started", Instant.now().toString());
            Output out = podman(run, CLI);
            if (!out.ok()) {
                podman(List.of("rm", "-f", job.handle()), CLI);
                throw new TestRunnerException("podman cannot start the tests in " + image + ": " + out.text().strip());
            }
            return "started in podman container " + job.handle() + " (" + image + ", " + cpus + " CPUs, " + memory
                    + " memory" + (network ? "" : ", no network") + ")";
        } catch (IOException | RuntimeException e) {
            throw ws.abandon(e);
        }
    }

    @Override
    public TestStatus status(TestJob job) {
        TestWorkspace ws = TestWorkspace.of(workDir, job);
        Optional<TestStatus.Finished> known = ws.ended(job);
        if (known.isPresent()) {
            return known.get();
        }
        JsonNode state = inspect(job.handle());
        if (state == null) {
            return finish(ws, job, null, false, "podman container " + job.handle() + " is gone without a result", Instant.now());
        }
        Duration timeout = TestWorkspace.timeout(job.tests().timeout());
        Instant started = Optional.ofNullable(time(state, "StartedAt")).orElse(TestWorkspace.parseInstant(ws.read("started")));
        String status = state.path("Status").asText();
        if (state.path("Running").asBoolean() || status.equals("created") || status.equals("configured")) {
            Duration ran = Duration.between(started == null ? Instant.now() : started, Instant.now());
            if (ran.compareTo(timeout) <= 0) {
                return new TestStatus.Running("running for " + TestWorkspace.words(ran) + " in podman container " + job.handle());
            }
            podman(List.of("stop", "-t", "5", job.handle()), CLI);
            JsonNode after = inspect(job.handle());
            Integer code = after == null || after.path("Running").asBoolean() ? null : after.path("ExitCode").asInt();
            return finish(ws, job, code, true, null, Instant.now());
        }
        int code = state.path("ExitCode").asInt();
        Instant ended = Optional.ofNullable(time(state, "FinishedAt")).orElse(Instant.now());
        // podman's own --timeout kills it (137) when no check came in time
        boolean timedOut = (code == 137 || code == 143) && started != null
                && Duration.between(started, ended).compareTo(timeout) >= 0;
        String cause = state.path("OOMKilled").asBoolean()
                ? "the tests ran out of memory (limit " + job.tests().memory() + ")" : null;
        return finish(ws, job, code, timedOut, cause, ended);
    }

    private TestStatus.Finished finish(TestWorkspace ws, TestJob job, Integer code, boolean timedOut, String cause, Instant ended) {
        TestStatus.Finished f = Verdicts.judge(ws, job, code, timedOut, cause, () -> logs(job.handle()), ended);
        ws.keep(f);
        podman(List.of("rm", "-f", job.handle()), CLI);
        ws.removeCopies();
        return f;
    }

    @Override
    public void stop(TestJob job) {
        TestWorkspace ws = TestWorkspace.of(workDir, job);
        podman(List.of("rm", "-f", "-t", "2", job.handle()), CLI);
        ws.remove();
    }

    /** The container's state ({@code .State} of {@code podman inspect}), or null when there is no such container. */
    private JsonNode inspect(String name) {
        Output out = podman(List.of("inspect", "--type", "container", "--format", "{{json .State}}", name), CLI);
        if (!out.ok()) {
            if (out.text().contains("no such")) {
                return null;
            }
            throw new TestRunnerException("podman inspect " + name + " failed: " + out.text().strip());
        }
        try {
            return EventCodec.json().readTree(out.text());
        } catch (IOException e) {
            throw new TestRunnerException("podman inspect " + name + " answered what is not JSON: " + firstLine(out.text()));
        }
    }

    private String logs(String name) {
        Output out = podman(List.of("logs", "--tail", Integer.toString(Verdicts.LOG_LINES), name), CLI);
        return out.ok() ? TestWorkspace.lastLines(out.text(), Verdicts.LOG_LINES) : "";
    }

    private static Instant time(JsonNode state, String field) {
        Instant t = TestWorkspace.parseInstant(state.path(field).asText(null));
        return t == null || t.getEpochSecond() <= 0 ? null : t;
    }

    private List<String> command() {
        return Arrays.asList(podman.trim().split("\\s+"));
    }

    private Output podman(List<String> args, Duration limit) {
        List<String> argv = new ArrayList<>(command());
        argv.addAll(args);
        return TestWorkspace.run(argv, limit);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?");

    /** A Kubernetes CPU quantity as podman's {@code --cpus}: {@code 500m} → 0.5, {@code 2} → 2. */
    static String cpus(String quantity) {
        Matcher m = match(quantity, "cpu");
        BigDecimal n = new BigDecimal(m.group(1));
        if (m.group(2) != null && !m.group(2).equals("m")) {
            throw new TestRunnerException("tests.cpu '" + quantity + "' is not a CPU quantity such as 2 or 500m");
        }
        if (m.group(2) != null) {
            n = n.movePointLeft(3);
        }
        if (n.signum() <= 0) {
            throw new TestRunnerException("tests.cpu '" + quantity + "' is no CPU at all");
        }
        return n.stripTrailingZeros().toPlainString();
    }

    /** A Kubernetes memory quantity as podman's {@code --memory}: {@code 2Gi} → 2g, {@code 512Mi} → 512m, {@code 1G} → bytes. */
    static String memory(String quantity) {
        Matcher m = match(quantity, "memory");
        BigDecimal factor = switch (m.group(2) == null ? "" : m.group(2)) {
            case "m" -> BigDecimal.ONE.movePointLeft(3);
            case "k" -> BigDecimal.valueOf(1000);
            case "M" -> BigDecimal.valueOf(1000_000);
            case "G" -> BigDecimal.valueOf(1000_000_000);
            case "T" -> BigDecimal.valueOf(1000_000_000_000L);
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            default -> BigDecimal.ONE;
        };
        long bytes = new BigDecimal(m.group(1)).multiply(factor).setScale(0, java.math.RoundingMode.UP).longValueExact();
        if (bytes <= 0) {
            throw new TestRunnerException("tests.memory '" + quantity + "' is no memory at all");
        }
        for (String unit : List.of("g", "m", "k")) {
            long size = unit.equals("g") ? 1L << 30 : unit.equals("m") ? 1L << 20 : 1L << 10;
            if (bytes % size == 0) {
                return bytes / size + unit;
            }
        }
        return bytes + "b";
    }

    private static Matcher match(String quantity, String what) {
        Matcher m = QUANTITY.matcher(quantity == null ? "" : quantity.trim());
        if (!m.matches()) {
            throw new TestRunnerException("tests." + what + " '" + quantity + "' is not a Kubernetes quantity such as 2, 500m or 2Gi");
        }
        return m;
    }
}
