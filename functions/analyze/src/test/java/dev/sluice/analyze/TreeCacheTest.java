package dev.sluice.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;

import dev.sluice.git.GitRepositories;
import dev.sluice.testing.TestRepository;

class TreeCacheTest {

    @Test
    void theManifestObjectCacheIsBoundedBySluiceAnalyzeCacheFiles() throws Exception {
        try (TestRepository source = TestRepository.create()) {
            String head = source.commit("three manifests", Map.of(
                    "k8s/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
                    "k8s/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
                    "k8s/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"));
            TreeCache cache = TreeCache.of(100, 2);
            try (Repository repo = Git.open(source.dir().toFile()).getRepository(); ObjectReader reader = repo.newObjectReader()) {
                List<ManifestObjects.ObjectRef> objects = cache.manifestObjects(reader,
                        GitRepositories.commit(repo, head).getTree(), List.of("k8s/"));
                assertThat(objects).hasSize(3);
            }
            assertThat(cache.manifestFilesCached()).isEqualTo(2);
        }
    }
}
