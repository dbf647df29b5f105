package dev.sluice.analyze;

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
                .contains("'github.com.evil.org' is not in sluice.analyze.allowed-hosts");
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
        assertThat(a.refusal(allowed + "/../private")).get().asString().contains("is not under sluice.analyze.allowed-paths");
        assertThat(a.refusal(outside.toString())).isPresent();
        // a link inside the allowed folder that leads out of it is judged by where it leads
        Path link = Files.createSymbolicLink(allowed.resolve("link"), outside);
        assertThat(a.refusal(link.toString())).isPresent();
        assertThat(a.refusal("relative/path")).get().asString().contains("neither an absolute path nor a URL with a host");
    }

    @Test
    void withoutConfigurationNoRemoteHostIsAllowedAndLocalRepositoriesUnderTmpAreAllowed() {
        RepositoryAllowlist a = new RepositoryAllowlist();
        a.allowedHosts = Optional.empty();
        a.allowedPaths = Optional.empty();
        assertThat(a.refusal("https://github.com/shop/orders.git")).get().asString().contains("no remote repository is allowed");
        assertThat(a.refusal(Path.of(System.getProperty("java.io.tmpdir"), "some-repo").toString())).isEmpty();
    }
}
