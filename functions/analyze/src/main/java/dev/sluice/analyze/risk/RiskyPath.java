package dev.sluice.analyze.risk;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.analyze.ChangedFile;

/**
 * Paths whose change reaches past the code: how it is built, shipped, configured or stored. Touching one
 * (adding, changing, deleting or renaming from or to it) adds the category's weight to the risk score once.
 */
public enum RiskyPath {
    CI("path.ci", 15, "CI configuration changed"),
    CONTAINER("path.container", 10, "container build changed"),
    MANIFESTS("path.manifests", 10, "deployment manifests changed"),
    MIGRATIONS("path.migrations", 15, "database migrations changed"),
    DEPENDENCIES("path.dependencies", 5, "dependencies changed"),
    SECURITY("path.security", 10, "authentication or security code changed"),
    SETTINGS("path.settings", 15, SluiceSettings.FILE + " changed");

    /** All categories together add at most this much, so without a secret the score stays under the default reject line. */
    public static final int MAX_POINTS = 40;

    final String id;
    final int weight;
    final String label;

    RiskyPath(String id, int weight, String label) {
        this.id = id;
        this.weight = weight;
        this.label = label;
    }

    private static final Set<String> CI_FILES = Set.of(".gitlab-ci.yml", "jenkinsfile", ".travis.yml",
            "azure-pipelines.yml", "bitbucket-pipelines.yml", "cloudbuild.yaml", "cloudbuild.yml");
    private static final List<String> CI_DIRS = List.of(".github/workflows/", ".github/actions/", ".gitea/workflows/",
            ".forgejo/workflows/", ".circleci/", ".tekton/", ".buildkite/");
    private static final Set<String> DEPENDENCY_FILES = Set.of("pom.xml", "build.gradle", "build.gradle.kts",
            "settings.gradle", "settings.gradle.kts", "libs.versions.toml", "package.json", "package-lock.json",
            "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "go.mod", "go.sum", "cargo.toml", "cargo.lock",
            "pipfile", "pipfile.lock", "poetry.lock", "pyproject.toml", "uv.lock", "gemfile", "gemfile.lock",
            "composer.json", "composer.lock", "mix.exs", "mix.lock", "packages.lock.json", "gradle.lockfile");
    private static final Pattern REQUIREMENTS = Pattern.compile("requirements[\\w.-]*\\.(txt|in)");
    private static final Pattern CONTAINER_FILE = Pattern.compile("(dockerfile|containerfile)(\\..+)?|.+\\.dockerfile"
            + "|(docker-)?compose(\\.[\\w-]+)?\\.ya?ml");
    private static final Set<String> MIGRATION_DIRS = Set.of("migration", "migrations", "migrate");
    private static final Pattern FLYWAY_FILE = Pattern.compile("[vru]\\d+(?:[._]\\d+)*__.+\\.sql");
    // A path part that names authentication, authorisation or cryptography: lower-case words between separators
    // (src/auth/, oauth_client.py) or capitalised words inside a camel-case name (AuthFilter.java, userPasswordReset.ts).
    private static final String SECURITY_WORDS = "auth|authn|authz|authentication|authorization|authorisation|oauth|oauth2"
            + "|oidc|saml|sso|login|security|crypto|cryptography|permission|permissions|acl|rbac|jwt|password|passwd"
            + "|credential|credentials|secret|secrets|keystore|tls|ssl|session|sessions";
    private static final Pattern SECURITY_PART = Pattern.compile("(?:^|[/_.-])(?:" + SECURITY_WORDS + ")(?:[/_.-]|$)");
    private static final Pattern SECURITY_CAMEL = Pattern.compile(
            "(?:^|[/_.a-z-])(?:Auth|Authn|Authz|Authentication|Authorization|OAuth|Oauth|Oidc|Saml|Sso|Login|Security"
                    + "|Crypto|Permission|Permissions|Acl|Rbac|Jwt|Password|Credential|Credentials|Secret|Secrets|KeyStore"
                    + "|Keystore|Tls|Ssl|Session)(?:[A-Z/_.-]|$)");
    private static final Set<String> MANIFEST_FILES = Set.of("kustomization.yaml", "kustomization.yml", "chart.yaml");

    boolean matches(String path, List<String> manifestPaths) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        return switch (this) {
            case CI -> CI_FILES.contains(lower) || CI_DIRS.stream().anyMatch(lower::startsWith);
            case CONTAINER -> CONTAINER_FILE.matcher(name).matches();
            case MANIFESTS -> MANIFEST_FILES.contains(name) || isManifest(path, lower, manifestPaths);
            case MIGRATIONS -> FLYWAY_FILE.matcher(name).matches() || inMigrationDir(lower);
            case DEPENDENCIES -> DEPENDENCY_FILES.contains(name) || REQUIREMENTS.matcher(name).matches();
            case SECURITY -> !isDocument(lower) && (SECURITY_PART.matcher(lower).find() || SECURITY_CAMEL.matcher(path).find());
            case SETTINGS -> path.equals(SluiceSettings.FILE);
        };
    }

    private static boolean isDocument(String lower) {
        return lower.endsWith(".md") || lower.endsWith(".txt") || lower.endsWith(".rst") || lower.endsWith(".adoc");
    }

    /** The .sluice.yaml manifest paths, read as ManifestSet reads them: folders end with '/', else a file or a glob. */
    private static boolean isManifest(String path, String lower, List<String> manifestPaths) {
        if (!(lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"))) {
            return false;
        }
        for (String entry : manifestPaths) {
            String p = entry.startsWith("./") ? entry.substring(2) : entry;
            if (p.endsWith("/") ? path.startsWith(p) : path.equals(p) || isGlobMatch(p, path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGlobMatch(String glob, String path) {
        return (glob.contains("*") || glob.contains("?"))
                && FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path));
    }

    private static boolean inMigrationDir(String lower) {
        String[] parts = lower.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (MIGRATION_DIRS.contains(parts[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The factors as they count: the heaviest keep their weight (ties by id) until {@link #MAX_POINTS} is spent,
     * the rest count what is left, so the reported weights add up to what the paths add to the score.
     */
    static List<RiskFactor> capped(List<RiskFactor> factors) {
        List<RiskFactor> out = new ArrayList<>();
        int left = MAX_POINTS;
        for (RiskFactor f : factors.stream().sorted(RiskFactor.MOST_DECISIVE_FIRST).toList()) {
            int points = Math.min(f.weight(), left);
            left -= points;
            out.add(points == f.weight() ? f
                    : f.capped(points, "risky paths together add at most " + MAX_POINTS));
        }
        return out;
    }

    /** One factor per category the change touches, with the touched files as evidence. */
    static List<RiskFactor> factors(List<ChangedFile> files, List<String> manifestPaths) {
        List<RiskFactor> factors = new ArrayList<>();
        for (RiskyPath category : values()) {
            Set<String> touched = new TreeSet<>();
            for (ChangedFile f : files) {
                boolean kubernetes = category == MANIFESTS && Boolean.TRUE.equals(f.kubernetes());
                if (kubernetes || category.matches(f.path(), manifestPaths)
                        || f.oldPath() != null && category.matches(f.oldPath(), manifestPaths)) {
                    touched.add(f.path());
                }
            }
            if (!touched.isEmpty()) {
                List<String> names = touched.stream().limit(2).toList();
                String message = category.label + ": " + String.join(", ", names)
                        + (touched.size() > 2 ? " (+" + (touched.size() - 2) + " more)" : "");
                factors.add(new RiskFactor(category.id, category.weight, message,
                        touched.stream().map(p -> new RiskFactor.Evidence(p, null)).toList(), null));
            }
        }
        return factors;
    }
}
