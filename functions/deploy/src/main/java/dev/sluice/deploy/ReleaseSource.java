package dev.sluice.deploy;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.Repository;

import dev.sluice.git.GitRepositories;
import dev.sluice.manifest.ManifestDocument;
import dev.sluice.manifest.ManifestSet;
import dev.sluice.settings.SluiceSettings;

/** A commit as deploy needs it: its {@code .sluice.yaml} and every manifest document under its manifest paths. */
@ApplicationScoped
public class ReleaseSource {
    @Inject
    GitRepositories git;

    record Commit(SluiceSettings settings, List<ManifestDocument> documents) {
    }

    /**
     * @throws GitRepositories.GitAccessException when the commit cannot be read (worth retrying)
     * @throws dev.sluice.settings.SettingsException when {@code .sluice.yaml} is broken (not worth retrying)
     */
    Commit read(String repositoryUrl, String sha) {
        Repository repo = git.repositoryWith(repositoryUrl, sha);
        SluiceSettings settings = GitRepositories.settings(repo, sha);
        return new Commit(settings, ManifestSet.read(repo, sha, settings.manifests()));
    }
}
