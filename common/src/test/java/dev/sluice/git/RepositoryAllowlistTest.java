package dev.sluice.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RepositoryAllowlistTest {

    private static RepositoryAllowlist allowlist(List<String> hosts, List<String> paths) {
        RepositoryAllowlist a = new RepositoryAllowlist();
        a.allowedHosts = Optional.of(hosts);
        a.allowedPaths = Optional.of(paths);
        return a;
    }

    @Test
    void hostsMatchExactlyOrByWildcardForHttpsSshAndScpLikeUrls() {
        RepositoryAllowlist a = allowlist(List.of("github.com", "*.corp.example"), List.of());
        assertThat(a.refusal("https://github.com/shop/orders.git")).isEmpty();
        assertThat(a.refusal("git@github.com:shop/orders.git")).isEmpty();
        assertThat(a.refusal("ssh://git@git.corp.example/shop/orders.git")).isEmpty();
        assertThat(a.refusal("https://GitHub.com/shop/orders.git")).isEmpty();
        assertThat(a.refusal("https://github.com.evil.org/shop/orders.git")).get().asString()
                .contains("'github.com.evil.org' is not in sluice.git.allowed-hosts");
        assertThat(a.refusal("https://corp.example.attacker.net/x.git")).isPresent();
        assertThat(a.refusal("http://169.254.169.254/latest/meta-data")).isPresent();
    }

    @Test
    void localPathsAndFileUrlsMustBeUnderAnAllowedFolderAfterNormalising(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("repos"));
        Path repo = Files.createDirectories(allowed.resolve("shop"));
        Path outside = Files.createDirectories(dir.resolve("private"));
        RepositoryAllowlist a = allowlist(List.of(), List.of(allowed.toString()));
        assertThat(a.refusal(repo.toString())).isEmpty();
        assertThat(a.refusal(repo.toUri().toString())).isEmpty();
        assertThat(a.refusal(allowed + "/../private")).get().asString().contains("is not under sluice.git.allowed-paths");
        assertThat(a.refusal(outside.toString())).isPresent();
        // a link inside the allowed folder that leads out of it is judged by where it leads
        Path link = Files.createSymbolicLink(allowed.resolve("link"), outside);
        assertThat(a.refusal(link.toString())).isPresent();
        assertThat(a.refusal("relative/path")).get().asString().contains("neither an absolute path nor a URL with a host");
    }

    @Test
    void withoutConfigurationNoRemoteHostAndNoLocalPathIsAllowed() {
        RepositoryAllowlist a = new RepositoryAllowlist();
        a.allowedHosts = Optional.empty();
        a.allowedPaths = Optional.empty();
        assertThat(a.refusal("https://github.com/shop/orders.git")).get().asString().contains("no remote repository is allowed");
        for (String home : List.of("java.io.tmpdir", "user.home")) {
            Path local = Path.of(System.getProperty(home), "some-repo");
            assertThat(a.refusal(local.toString())).get().asString().contains("no local repository is allowed");
            assertThat(a.refusal(local.toUri().toString())).isPresent();
        }
    }

    @Test
    void aPathInsideSluicesOwnGitCacheIsRefusedWhateverIsAllowed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("sluice-git"));
        Path cached = Files.createDirectories(cache.resolve("0123456789abcdef0123.git"));
        Path beside = Files.createDirectories(dir.resolve("sluice-git-other/shop"));
        RepositoryAllowlist a = allowlist(List.of(), List.of(dir.toString()));
        a.cacheDir = cache.toString();
        assertThat(a.refusal(cached.toString())).get().asString().contains("inside Sluice's own git cache");
        assertThat(a.refusal(cached.toUri().toString())).isPresent();
        assertThat(a.refusal(cache.toString())).isPresent();
        assertThat(a.refusal(dir + "/shop/../sluice-git/0123456789abcdef0123.git")).isPresent();
        // a link that leads into the cache is judged by where it leads
        Path link = Files.createSymbolicLink(dir.resolve("link"), cached);
        assertThat(a.refusal(link.toString())).isPresent();
        assertThat(a.refusal(beside.toString())).as("a folder whose name only starts like the cache's").isEmpty();
    }

    @Test
    void theFormerAnalyzeKeysStillApplyWhenTheNewOnesAreUnset() {
        RepositoryAllowlist a = new RepositoryAllowlist();
        a.allowedHosts = Optional.empty();
        a.allowedPaths = Optional.empty();
        a.formerHosts = Optional.of(List.of("github.com"));
        a.formerPaths = Optional.empty();
        assertThat(a.refusal("https://github.com/shop/orders.git")).isEmpty();
        a.allowedHosts = Optional.of(List.of("gitlab.com"));
        assertThat(a.refusal("https://github.com/shop/orders.git")).as("the new key wins").isPresent();
        assertThat(a.refusal("https://gitlab.com/shop/orders.git")).isEmpty();
    }
}
