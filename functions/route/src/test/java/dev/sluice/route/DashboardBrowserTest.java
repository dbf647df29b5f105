package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.report.StageReport;
import dev.sluice.run.RunState;
import dev.sluice.testing.PostgresTestResource;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by Selenium through chromedriver, against route
 * with its real database and signed stage events. It signs in with the admin token, sees a pushed run in the list (and
 * a new one appear without reload), watches a run's page follow its transitions pushed by server-sent events within
 * 2 s, approves the waiting run from the page, and reads a validation finding with its file and line. Each page is
 * saved as a screenshot under target/dashboard-screenshots/; any error in the browser's console fails the test.
 * Without chromium and chromedriver it is skipped, unless SLUICE_REQUIRE names chromium (CI), where it fails.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    /** How soon a pushed transition must show on an open page. */
    private static final Duration LIVE = Duration.ofSeconds(2);

    private static WebDriver browser;
    private static Path profile;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String require = System.getenv().getOrDefault("SLUICE_REQUIRE", "");
        if (!present) {
            if (List.of(require.split(",")).stream().map(String::trim).anyMatch("chromium"::equals)) {
                throw new IllegalStateException("SLUICE_REQUIRE names chromium, but " + CHROMIUM + " or " + CHROMEDRIVER
                        + " is missing (apt-get install chromium chromium-driver)");
            }
            Assumptions.assumeTrue(false, "chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
        }
        profile = Files.createTempDirectory("sluice-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aRunFollowedLiveFromPushToApprovalAndDeployment() throws Exception {
        String repo = "https://git.example/shop/" + UUID.randomUUID() + ".git";
        String env = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        String settings = SETTINGS_PROD.replace("production", env);
        UUID first = pushed(repo, "refs/heads/main");
        List<Long> shown = new ArrayList<>();

        // sign in with the admin token; the login form sends the browser back to the page it asked for
        browser.get(url("/"));
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui/login"));
        shot("login");
        browser.findElement(By.name("token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.cssSelector("form[action='/ui/login'] button")).click();

        // the runs list shows the pushed run, and a run pushed while it is open appears without a reload
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("run-" + first)));
        awaitLive();
        markPage();
        UUID second = pushed(repo, "refs/heads/feature");
        wait(LIVE).until(ExpectedConditions.presenceOfElementLocated(By.id("run-" + second)));
        assertThat(browser.findElement(By.id("run-" + second)).getText()).contains("ANALYZING").contains("feature");
        assertNotReloaded();
        shot("runs");

        // the run's page follows its transitions as they are pushed
        browser.get(url("/ui/runs/" + first));
        assertThat(shownState()).isEqualTo("ANALYZING");
        awaitLive();
        markPage();
        saveReports(first);
        analysis(first, 1, "NEEDS_REVIEW", settings).then().statusCode(200);
        shown.add(shownWithin("VALIDATING"));
        validation(first, 1, true, "1 warning").then().statusCode(204);
        shown.add(shownWithin("AWAITING_APPROVAL"));
        assertNotReloaded();
        // the validation finding with its file, line and rule; the analysis' secret without its value
        String body = browser.findElement(By.id("run-body")).getText();
        assertThat(body).contains("k8s/deploy.yaml:17").contains("no-latest-tag").contains("config/app.env:3")
                .doesNotContain("AKIA");
        shot("run-awaiting-approval");

        browser.get(url("/ui/approvals"));
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("a[href='/ui/runs/" + first + "']")));
        shot("approvals");

        // approve from the run's page: the run moves on, and the page shows it
        browser.get(url("/ui/runs/" + first));
        awaitLive();
        browser.findElement(By.cssSelector("button.approve")).click();
        wait(Duration.ofSeconds(10)).until(d -> "DEPLOYING".equals(shownState()));
        assertThat(RouteTestSupport.state(first)).isEqualTo(RunState.DEPLOYING);
        // the run's environment links to that project's environment page
        assertThat(browser.findElement(By.linkText(env)).getAttribute("href")).contains("/ui/environments/" + env + "?project=");
        assertThat(browser.findElement(By.id("flash")).getText()).contains("approved");

        saveDeployment(first, env);
        deployment(first, 1, "VERIFIED").then().statusCode(200);
        shown.add(shownWithin("SUCCEEDED"));
        assertThat(browser.findElements(By.cssSelector(".diff")).stream().map(e -> e.getText()).toList()).anySatisfy(diff -> assertThat(diff).contains("- /spec/template/spec/containers/0/image: ghcr.io/acme/shop:1.4")
                .contains("+ /spec/template/spec/containers/0/image: ghcr.io/acme/shop:1.5"));
        shot("run");
        // the README's picture: the whole run at a laptop's width
        browser.manage().window().setSize(new Dimension(1280, 1500));
        shot("dashboard");
        browser.manage().window().setSize(new Dimension(1280, 900));

        browser.get(url("/ui/environments"));
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.envs")));
        shot("environments");

        // a phone's width
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(url("/ui/runs/" + first));
        awaitLive();
        shot("run-phone");

        List<String> errors = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("errors in the browser's console").isEmpty();
        System.out.println("dashboard: a run's page showed each new state " + shown + " ms after its transition committed");
    }

    /** A push of acme/shop; the new run's id. */
    private static UUID pushed(String repo, String ref) {
        io.restassured.response.Response r = push(repo, "acme/shop", ref, sha());
        r.then().statusCode(200);
        return UUID.fromString(r.header("ce-subject"));
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private static WebDriverWait wait(Duration d) {
        return (WebDriverWait) new WebDriverWait(browser, d, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class);
    }

    /** The page's stream is open (the "live" mark turns on when the browser's EventSource opens). */
    private static void awaitLive() {
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.attributeContains(By.id("live"), "class", "on"));
    }

    /** Waits (at most {@link #LIVE}) for the run's page to show the state; how long that took, in ms. */
    private static long shownWithin(String state) {
        long start = System.nanoTime();
        wait(LIVE).until(d -> state.equals(shownState()));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String shownState() {
        return browser.findElement(By.id("run-state")).getText();
    }

    /** A mark in the page's JavaScript state: a reload would lose it. */
    private static void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.sluiceTestMark = 'still here'");
    }

    private static void assertNotReloaded() {
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sluiceTestMark")).isEqualTo("still here");
    }

    private static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** What analyze and validate store for the run (their functions do not run here): one warning, one secret. */
    private static void saveReports(UUID run) {
        QuarkusTransaction.requiringNew().run(() -> {
            StageReport.save(run, StageReport.ANALYSIS, 1, Map.of("decision", "NEEDS_REVIEW", "riskScore", 55,
                    "totals", Map.of("files", 3, "linesAdded", 42, "linesRemoved", 7),
                    "factors", List.of(Map.of("id", "secret-found", "weight", 40, "message", "a credential was committed", "forces", "NEEDS_REVIEW"),
                            Map.of("id", "manifest-change", "weight", 15, "message", "1 Kubernetes manifest changed")),
                    "languages", Map.of("Java", Map.of("files", 2, "code", 120), "YAML", Map.of("files", 1, "code", 30)),
                    "graph", Map.of("files", 12, "dependents", 4, "reach", 0.33, "sampleDependents", List.of()),
                    "secrets", List.of(Map.of("kind", "aws-access-key-id", "file", "config/app.env", "line", 3, "fingerprint", "hmac-sha256:0f1e"))));
            StageReport.save(run, StageReport.VALIDATION, 1, Map.of("passed", true, "summary", "0 errors, 1 warning",
                    "findings", List.of(Map.of("ruleId", "no-latest-tag", "severity", "warning", "category", "policy", "kind", "Deployment",
                            "name", "shop", "file", "k8s/deploy.yaml", "line", 17, "message", "the image has no fixed tag",
                            "remediation", "pin the image to a version or digest"))));
        });
    }

    private static void saveDeployment(UUID run, String env) {
        QuarkusTransaction.requiringNew().run(() -> StageReport.save(run, StageReport.DEPLOYMENT, 1, Map.of("mode", "plan",
                "applied", false, "releaseId", env + "-2", "environment", env, "namespace", "shop", "strategy", "canary",
                "summary", "plan mode: 0 to create, 2 to change, 1 unchanged", "outcome", "VERIFIED",
                "objects", List.of(
                        Map.of("order", 1, "apiVersion", "v1", "kind", "Secret", "namespace", "shop", "name", "db", "file", "k8s/secret.yaml",
                                "line", 1, "action", "CHANGE", "changes", List.of(Map.of("path", "/stringData/password", "op", "replace",
                                        "before", "hmac-sha256:5b1d0c9e2f7a4c11", "after", "hmac-sha256:9e03a7d41c2b8f60"))),
                        Map.of("order", 2, "apiVersion", "apps/v1", "kind", "Deployment", "namespace", "shop", "name", "shop",
                                "file", "k8s/deploy.yaml", "line", 1, "action", "CHANGE", "changes", List.of(
                                        Map.of("path", "/spec/template/spec/containers/0/image", "op", "replace",
                                                "before", "ghcr.io/acme/shop:1.4", "after", "ghcr.io/acme/shop:1.5"),
                                        Map.of("path", "/spec/replicas", "op", "replace", "before", 2, "after", 3))),
                        Map.of("order", 3, "apiVersion", "v1", "kind", "Service", "namespace", "shop", "name", "shop",
                                "file", "k8s/service.yaml", "line", 1, "action", "UNCHANGED")),
                "steps", List.of(Map.of("step", 1, "percent", 10, "at", java.time.Instant.now().minusSeconds(240).toString(), "health", "healthy"),
                        Map.of("step", 2, "percent", 50, "at", java.time.Instant.now().minusSeconds(120).toString(), "health", "healthy"),
                        Map.of("step", 3, "percent", 100, "at", java.time.Instant.now().minusSeconds(5).toString(), "health", "healthy")))));
    }
}
