package dev.sluice.validate.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.testing.TestRepository;

/**
 * The two shell scripts of the test pod, run for real with this machine's {@code sh} (and {@code git} for the checkout;
 * without git the checkout tests skip, unless {@code SLUICE_REQUIRE} names {@code git}): what a cluster would run in the
 * init and test containers, minus the cluster.
 */
class PodScriptsTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out) {
    }

    private Run sh(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static void requireGit() {
        boolean present = List.of("/usr/bin/git", "/bin/git", "/usr/local/bin/git").stream().anyMatch(g -> Files.isExecutable(Path.of(g)));
        if (!present) {
            if (List.of(System.getenv().getOrDefault("SLUICE_REQUIRE", "").split(",")).stream().map(String::trim)
                    .anyMatch("git"::equals)) {
                throw new IllegalStateException("SLUICE_REQUIRE names git, but it is not installed (apt-get install git)");
            }
            Assumptions.assumeTrue(false, "git is not installed");
        }
    }

    @Test
    void theCheckoutFetchesOnlyTheCommitWhereTheServerGivesItByItsId() throws Exception {
        requireGit();
        try (TestRepository repo = TestRepository.create()) {
            String first = repo.commit("first", Map.of("pom.xml", "<project/>", "src/A.java", "class A {}"));
            repo.commit("second", Map.of("src/A.java", "class A { int b; }"));
            Path src = Files.createDirectories(tmp.resolve("src"));

            Run r = sh(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_REPOSITORY", "file://" + repo.dir(), "SLUICE_SHA", first),
                    "sh", "-c", PodLogReports.CHECKOUT);

            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("fetched " + first + " alone (shallow)", "checked out " + first);
            assertThat(Files.readString(src.resolve("src/A.java"))).isEqualTo("class A {}");
            assertThat(src.resolve(".git/shallow")).exists();
            assertThat(sh(Map.of(), "git", "-C", src.toString(), "rev-parse", "HEAD").out().strip()).isEqualTo(first);
        }
    }

    @Test
    void theCheckoutFetchesTheBranchesWhenTheServerDoesNotGiveACommitByItsId() throws Exception {
        requireGit();
        try (TestRepository repo = TestRepository.create()) {
            String first = repo.commit("first", Map.of("src/A.java", "class A {}"));
            repo.commit("second", Map.of("src/A.java", "class A { int b; }"));
            sh(Map.of(), "git", "-C", repo.dir().toString(), "config", "uploadpack.allowAnySHA1InWant", "false");
            sh(Map.of(), "git", "-C", repo.dir().toString(), "config", "uploadpack.allowReachableSHA1InWant", "false");
            Path src = Files.createDirectories(tmp.resolve("src"));

            // git protocol v2 gives any reachable commit; a v0 server, told so, refuses an unadvertised one
            Run r = sh(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_REPOSITORY", "file://" + repo.dir(), "SLUICE_SHA", first,
                    "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "protocol.version", "GIT_CONFIG_VALUE_0", "0"),
                    "sh", "-c", PodLogReports.CHECKOUT);

            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("does not give " + first + " by its id", "checked out " + first);
            assertThat(Files.readString(src.resolve("src/A.java"))).isEqualTo("class A {}");
        }
    }

    @Test
    void aCommitThatIsNotThereFailsTheCheckout() throws Exception {
        requireGit();
        try (TestRepository repo = TestRepository.create()) {
            repo.commit("first", Map.of("a", "a"));
            Path src = Files.createDirectories(tmp.resolve("src"));

            Run r = sh(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_REPOSITORY", "file://" + repo.dir(), "SLUICE_SHA",
                    "0123456789abcdef0123456789abcdef01234567"), "sh", "-c", PodLogReports.CHECKOUT);

            assertThat(r.exit()).isNotZero();
        }
    }

    @Test
    void theWrapperRunsTheCommandInAWritableCopyAndPrintsTheMatchingReportsAndTheExitCode() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(src.resolve("input.txt"), "from the checkout");
        List<String> globs = List.of("**/target/surefire-reports/*.xml", "report.xml");
        List<String> patterns = globs.stream().flatMap(g -> PodLogReports.findPatterns(g).stream()).toList();
        // the command writes its reports in the copy, as a build does
        String command = "cat input.txt > seen.txt && mkdir -p a/target/surefire-reports target/surefire-reports/deeper "
                + "&& echo '<testsuite/>' > a/target/surefire-reports/TEST-a.xml && echo '<testsuite/>' > report.xml "
                + "&& echo '<x/>' > target/surefire-reports/deeper/TEST-no.xml && echo '##sluice## exit-code 0' && exit 3";

        Run r = sh(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_WORKDIR", work.toString(), "SLUICE_REPORT_PATTERNS",
                String.join("\n", patterns), "SLUICE_REPORTS_MAX_BYTES", "100000"), "sh", "-c", PodLogReports.WRAPPER, "sluice-tests",
                "sh", "-c", command);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(Files.readString(work.resolve("seen.txt"))).isEqualTo("from the checkout");
        PodLogReports.Result result = PodLogReports.parse(r.out(), globs, 100000);
        assertThat(result.problem()).isNull();
        assertThat(result.exitCode()).as("the wrapper's last line, not the command's forged one").isEqualTo(3);
        assertThat(result.files()).containsOnlyKeys("a/target/surefire-reports/TEST-a.xml", "report.xml");
        assertThat(new String(result.files().get("report.xml"), StandardCharsets.UTF_8)).isEqualTo("<testsuite/>\n");
    }

    @Test
    void aCommandWithoutReportsGivesItsExitCodeAndNoFiles() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> patterns = SluiceSettings.DEFAULT_TEST_REPORTS.stream().flatMap(g -> PodLogReports.findPatterns(g).stream())
                .toList();

        Run r = sh(Map.of("SLUICE_SOURCE", src.toString(), "SLUICE_WORKDIR", work.toString(), "SLUICE_REPORT_PATTERNS",
                String.join("\n", patterns)), "sh", "-c", PodLogReports.WRAPPER, "sluice-tests", "true");

        PodLogReports.Result result = PodLogReports.parse(r.out(), SluiceSettings.DEFAULT_TEST_REPORTS, 100000);
        assertThat(result.exitCode()).isZero();
        assertThat(result.problem()).isNull();
        assertThat(result.files()).isEmpty();
        assertThat(r.out()).contains("reports-begin files=0");
    }

    @Test
    void globsBecomeFindPatternsThatNeverMissAndExactRegexes() {
        assertThat(PodLogReports.findPatterns("**/target/surefire-reports/*.xml"))
                .containsExactly("./target/surefire-reports/*.xml", "./*/target/surefire-reports/*.xml");
        assertThat(PodLogReports.findPatterns("report.xml")).containsExactly("./report.xml");
        assertThat(PodLogReports.findPatterns("**/build/test-results/**/*.xml")).hasSize(4);
        var regex = PodLogReports.globRegex("**/build/test-results/**/*.xml");
        assertThat(regex.matcher("build/test-results/TEST-a.xml").matches()).isTrue();
        assertThat(regex.matcher("m/build/test-results/test/TEST-a.xml").matches()).isTrue();
        assertThat(regex.matcher("m/build/test-results-old/TEST-a.xml").matches()).isFalse();
        assertThat(PodLogReports.globRegex("**/junit*.xml").matcher("junit.xml").matches()).isTrue();
        assertThat(PodLogReports.globRegex("*.xml").matcher("a/b.xml").matches()).isFalse();
    }
}
