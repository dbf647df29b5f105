package dev.sluice.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sluice.settings.SettingsException;

/** .sluice.yaml read from a real git repository: the defaults without one, a clear refusal for one too large to be settings. */
class GitRepositoriesSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aSettingsFileLargerThanAMebibyteIsRefusedAsBrokenSettingsNotLoaded() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("README.md"), "hello\n");
            git.add().addFilepattern(".").call();
            RevCommit plain = git.commit().setMessage("no settings").setAuthor("t", "t@example.com").setSign(false).call();
            assertThat(GitRepositories.settings(git.getRepository(), plain.name()).environments()).isNotNull();

            Files.writeString(dir.resolve(".sluice.yaml"), "# padding\n".repeat(120_000));
            git.add().addFilepattern(".").call();
            RevCommit big = git.commit().setMessage("huge settings").setAuthor("t", "t@example.com").setSign(false).call();
            assertThatThrownBy(() -> GitRepositories.settings(git.getRepository(), big.name()))
                    .isInstanceOf(SettingsException.class).hasMessageContaining(".sluice.yaml is too large")
                    .hasMessageContaining("1200000 bytes");
        }
    }
}
