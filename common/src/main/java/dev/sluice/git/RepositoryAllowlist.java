package dev.sluice.git;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The repositories an operator lets Sluice fetch from: remote URLs by host ({@code sluice.git.allowed-hosts}, exact or
 * {@code *.example.com}), local paths and file:// URLs by folder ({@code sluice.git.allowed-paths}). A push names its
 * own repository URL, and every stage request carries one, so without this list anyone who can post an event could
 * make Sluice fetch from anywhere: {@link GitRepositories} (validate, deploy) and analyze's cache both ask it before
 * any fetch. Unset, both are empty: nothing is allowed. A path inside Sluice's own git cache is refused whatever is
 * allowed. The former names {@code sluice.analyze.allowed-hosts} / {@code -paths} are still read when the new ones are unset.
 */
@ApplicationScoped
public class RepositoryAllowlist {
    // scp-like ssh: git@host:owner/repo.git
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@([\\w.-]+):(?!//).+");

    @ConfigProperty(name = "sluice.git.allowed-hosts")
    Optional<List<String>> allowedHosts;

    @ConfigProperty(name = "sluice.git.allowed-paths")
    Optional<List<String>> allowedPaths;

    @ConfigProperty(name = "sluice.analyze.allowed-hosts")
    Optional<List<String>> formerHosts;

    @ConfigProperty(name = "sluice.analyze.allowed-paths")
    Optional<List<String>> formerPaths;

    /** Sluice's own git cache (common's default): never a repository to analyse, whatever the allowed paths say. */
    @ConfigProperty(name = "sluice.git.cache-dir", defaultValue = "${java.io.tmpdir}/sluice-git")
    String cacheDir;

    /** Why {@code url} may not be fetched, or empty when it may. */
    public Optional<String> refusal(String url) {
        String u = url.trim();
        if (u.startsWith("/") || u.regionMatches(true, 0, "file:", 0, 5)) {
            return pathRefusal(u);
        }
        String host = host(u);
        if (host == null) {
            return Optional.of("repository URL '" + url + "' is neither an absolute path nor a URL with a host");
        }
        List<String> hosts = hosts();
        for (String allowed : hosts) {
            String a = allowed.trim().toLowerCase(Locale.ROOT);
            if (a.equals(host) || a.startsWith("*.") && host.endsWith(a.substring(1))) {
                return Optional.empty();
            }
        }
        return Optional.of("repository host '" + host + "' is not in sluice.git.allowed-hosts "
                + (hosts.isEmpty() ? "(empty: no remote repository is allowed)" : hosts));
    }

    private Optional<String> pathRefusal(String url) {
        Path path;
        try {
            path = url.startsWith("/") ? Path.of(url) : Path.of(URI.create(url));
        } catch (IllegalArgumentException e) {
            return Optional.of("repository URL '" + url + "' is not a usable file URL: " + e.getMessage());
        }
        Path real = real(path.toAbsolutePath().normalize());
        if (cacheDir != null && real.startsWith(real(Path.of(cacheDir).toAbsolutePath().normalize()))) {
            return Optional.of("repository path '" + real + "' is inside Sluice's own git cache (sluice.git.cache-dir)");
        }
        List<String> paths = paths();
        for (String allowed : paths) {
            if (real.startsWith(real(Path.of(allowed.trim()).toAbsolutePath().normalize()))) {
                return Optional.empty();
            }
        }
        return Optional.of("repository path '" + real + "' is not under sluice.git.allowed-paths "
                + (paths.isEmpty() ? "(empty: no local repository is allowed)" : paths));
    }

    /** Symbolic links resolved where the path exists, so a link cannot lead out of an allowed folder. */
    private static Path real(Path p) {
        try {
            return Files.exists(p) ? p.toRealPath() : p;
        } catch (IOException e) {
            return p;
        }
    }

    private static String host(String url) {
        Matcher scp = SCP_LIKE.matcher(url);
        if (scp.matches()) {
            return scp.group(1).toLowerCase(Locale.ROOT);
        }
        try {
            String host = URI.create(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    List<String> hosts() {
        return either(allowedHosts, formerHosts);
    }

    /** Unset: none. The local pipeline sets the temporary folder and the user's home, where a developer's repositories are. */
    List<String> paths() {
        return either(allowedPaths, formerPaths);
    }

    /** The new key when it is set, else the former one. */
    private static List<String> either(Optional<List<String>> current, Optional<List<String>> former) {
        Optional<List<String>> chosen = current != null && current.isPresent() ? current : former;
        return chosen == null ? List.of() : chosen.orElse(List.of()).stream().filter(v -> !v.isBlank()).toList();
    }
}
