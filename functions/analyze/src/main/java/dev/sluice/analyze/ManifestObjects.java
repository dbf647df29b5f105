package dev.sluice.analyze;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.jgit.lib.Repository;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sluice.git.GitRepositories;
import dev.sluice.manifest.ManifestDocument;
import dev.sluice.manifest.ManifestSet;
import dev.sluice.analyze.risk.RiskFactor;

/**
 * The Kubernetes objects a change defines: two manifests defining the same object (kind, namespace, name) are a
 * conflict; the objects of changed manifest files are what another run's deployment may be touching right now.
 */
public final class ManifestObjects {
    private ManifestObjects() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObjectRef(String kind, String namespace, String name, String file, Integer line) {
        String key() {
            return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
        }
    }

    public record Duplicate(String kind, String namespace, String name, List<RiskFactor.Evidence> definedAt) {
    }

    static List<Duplicate> duplicates(List<ObjectRef> objects) {
        Map<String, List<ObjectRef>> byKey = new TreeMap<>();
        for (ObjectRef o : objects) {
            byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
        List<Duplicate> out = new ArrayList<>();
        for (List<ObjectRef> same : byKey.values()) {
            if (same.size() > 1) {
                same.sort(Comparator.comparing(ObjectRef::file).thenComparing(ObjectRef::line));
                ObjectRef d = same.get(0);
                out.add(new Duplicate(d.kind(), d.namespace(), d.name(),
                        same.stream().map(x -> new RiskFactor.Evidence(x.file(), x.line())).toList()));
            }
        }
        return List.copyOf(out);
    }

    /** The objects one manifest file defines (documents that parse and have a kind and a name). */
    static List<ObjectRef> in(String file, byte[] bytes) {
        List<ObjectRef> out = new ArrayList<>();
        for (ManifestDocument d : ManifestSet.parse(file, bytes)) {
            if (d.parsed() && d.kind() != null && d.name() != null) {
                out.add(new ObjectRef(d.kind(), d.namespace(), d.name(), d.file(), d.line()));
            }
        }
        return out;
    }

    /**
     * Objects in the changed manifest files: at head for added and modified files (taken from {@code atHead}, the
     * objects of the manifest paths already read, when the file is there), at base for deleted ones.
     */
    static List<ObjectRef> changed(Repository repo, String base, String head, List<ChangedFile> files, List<String> manifestPaths,
            List<ObjectRef> atHead) {
        Map<String, List<ObjectRef>> known = new java.util.HashMap<>();
        for (ObjectRef o : atHead) {
            known.computeIfAbsent(o.file(), k -> new ArrayList<>()).add(o);
        }
        List<ObjectRef> out = new ArrayList<>();
        for (ChangedFile f : files) {
            boolean manifest = Boolean.TRUE.equals(f.kubernetes()) || ManifestSet.isManifestFile(f.path())
                    && ManifestSet.selectedBy(f.path(), manifestPaths);
            if (!manifest || f.binary()) {
                continue;
            }
            boolean deleted = "deleted".equals(f.changeType());
            if (!deleted && ManifestSet.selectedBy(f.path(), manifestPaths) && ManifestSet.isManifestFile(f.path())) {
                out.addAll(known.getOrDefault(f.path(), List.of()));
                continue;
            }
            String sha = deleted ? base : head;
            if (sha == null) {
                continue;
            }
            byte[] bytes = GitRepositories.readFile(repo, sha, f.path()).orElse(null);
            if (bytes == null) {
                continue;
            }
            out.addAll(in(f.path(), bytes));
        }
        out.sort(Comparator.comparing(ObjectRef::key).thenComparing(ObjectRef::file));
        return List.copyOf(out);
    }
}
