package dev.sluice.analyze;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.util.io.DisabledOutputStream;

import dev.sluice.git.GitRepositories;
import dev.sluice.analyze.secrets.SecretScan;
import dev.sluice.secrets.SecretKind;
import dev.sluice.analyze.lines.Language;
import dev.sluice.analyze.lines.TreeCounts;

/**
 * Reads a {@link Change} with JGit: the diff of two commits (renames detected) or, without a base, of the
 * empty tree and the head, counting lines from each file's edit list and keeping every added line.
 */
public final class ChangeReader {
    private ChangeReader() {
    }

    /** Text files above this size are treated as binary: not counted, not scanned (bounds memory per file). */
    static final int LARGEST_TEXT_FILE = TreeCounts.LARGEST_COUNTED_FILE;

    public static Change read(Repository repo, String base, String wholeTreeReason, String head) throws IOException {
        RevCommit headCommit = GitRepositories.commit(repo, head);
        GitAttributesMarks marks = GitRepositories.readFile(repo, head, GitAttributesMarks.FILE)
                .map(GitAttributesMarks::parse).orElse(GitAttributesMarks.NONE);
        List<ChangedFile> files = new ArrayList<>();
        List<AddedLine> added = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader();
                DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setReader(reader, repo.getConfig());
            diff.setDetectRenames(true);
            diff.setBinaryFileThreshold(LARGEST_TEXT_FILE);
            AbstractTreeIterator oldTree = base == null ? new EmptyTreeIterator()
                    : new CanonicalTreeParser(null, reader, GitRepositories.commit(repo, base).getTree());
            AbstractTreeIterator newTree = new CanonicalTreeParser(null, reader, headCommit.getTree());
            for (DiffEntry entry : diff.scan(oldTree, newTree)) {
                boolean addedFile = entry.getChangeType() == DiffEntry.ChangeType.ADD && isFile(entry.getNewMode());
                // An added file is all added lines: read it once, without computing a diff against nothing.
                ChangedFile f = addedFile ? addedFile(reader, entry, added) : file(reader, entry, diff.toFileHeader(entry), added);
                FileKind marked = marks.kindOf(f.path());
                files.add(marked == null ? f : new ChangedFile(f.path(), f.oldPath(), f.changeType(), f.added(), f.removed(),
                        f.binary(), f.language(), marked.id, f.kubernetes()));
            }
        }
        files.sort(Comparator.comparing(ChangedFile::path)
                .thenComparing(f -> f.oldPath() == null ? "" : f.oldPath()));
        added.sort(Comparator.comparing(AddedLine::file).thenComparingInt(AddedLine::line));
        return new Change(base, head, base == null, base == null ? wholeTreeReason : null, List.copyOf(files),
                List.copyOf(added));
    }

    /** The most lines a private key's body spans (a 16,384-bit RSA key in PEM); past it the block is not followed. */
    static final int KEY_BODY_LINES = 220;

    /**
     * Keeps an added line as text only when a content rule may have something to say about it, and the lines of a
     * private key block that follow its header (the secret scan reads the body: a placeholder is no key, and the key
     * itself is what its fingerprint hashes). {@code bodyUntil} is the last line index of an open block, -1 when none;
     * returns the new value.
     */
    private static int keep(RawText text, int i, String path, List<AddedLine> added, int bodyUntil) {
        java.nio.ByteBuffer raw = text.getRawString(i);
        if (i <= bodyUntil) {
            String line = text.getString(i);
            added.add(new AddedLine(path, i + 1, line));
            return line.contains("-----END") ? -1 : bodyUntil;
        }
        if (SecretKind.mentionedIn(text.getRawContent(), raw.position(), raw.limit())) {
            String line = text.getString(i);
            added.add(new AddedLine(path, i + 1, line));
            if (SecretScan.opensPrivateKeyBlock(line)) {
                return i + KEY_BODY_LINES;
            }
        }
        return -1;
    }

    private static ChangedFile addedFile(ObjectReader reader, DiffEntry entry, List<AddedLine> added) throws IOException {
        String path = entry.getNewPath();
        Language language = Language.ofName(path);
        String languageLabel = language == null ? null : language.label;
        org.eclipse.jgit.lib.ObjectLoader loader = reader.open(entry.getNewId().toObjectId());
        if (loader.getSize() > LARGEST_TEXT_FILE) {
            return new ChangedFile(path, null, "added", 0, 0, true, languageLabel, FileKind.of(path, null).id, null);
        }
        byte[] bytes = loader.getCachedBytes(LARGEST_TEXT_FILE);
        if (RawText.isBinary(bytes)) {
            return new ChangedFile(path, null, "added", 0, 0, true, languageLabel, FileKind.of(path, null).id, null);
        }
        RawText text = new RawText(bytes);
        int body = -1;
        for (int i = 0; i < text.size(); i++) {
            body = keep(text, i, path, added, body);
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 1024), java.nio.charset.StandardCharsets.UTF_8);
        Language read = Language.of(path, bytes); // cloc reads some files to name their language
        return new ChangedFile(path, null, "added", text.size(), 0, false, read == null ? null : read.label, FileKind.of(path, head).id,
                isKubernetesObject(path, bytes) ? Boolean.TRUE : null);
    }

    /** The header gives the edit list and patch type; the entry the ids and paths (the header does not carry the ids). */
    private static ChangedFile file(ObjectReader reader, DiffEntry entry, FileHeader header, List<AddedLine> added)
            throws IOException {
        DiffEntry.ChangeType type = entry.getChangeType();
        String path = type == DiffEntry.ChangeType.DELETE ? entry.getOldPath() : entry.getNewPath();
        String oldPath = type == DiffEntry.ChangeType.RENAME || type == DiffEntry.ChangeType.COPY ? entry.getOldPath() : null;
        boolean binary = header.getPatchType() != FileHeader.PatchType.UNIFIED;
        int plus = 0;
        int minus = 0;
        String head = null;
        boolean kubernetes = false;
        Language language = Language.ofName(path);
        if (!binary) {
            RawText text = null;
            if (type != DiffEntry.ChangeType.DELETE && isFile(entry.getNewMode())) {
                byte[] bytes = reader.open(entry.getNewId().toObjectId()).getCachedBytes(LARGEST_TEXT_FILE);
                text = new RawText(bytes);
                head = new String(bytes, 0, Math.min(bytes.length, 1024), java.nio.charset.StandardCharsets.UTF_8);
                kubernetes = isKubernetesObject(path, bytes);
                language = Language.of(path, bytes);
            }
            for (Edit edit : header.toEditList()) {
                plus += edit.getLengthB();
                minus += edit.getLengthA();
                int body = -1;
                for (int i = edit.getBeginB(); text != null && i < edit.getEndB(); i++) {
                    body = keep(text, i, path, added, body);
                }
            }
        }
        return new ChangedFile(path, oldPath, changeType(type), plus, minus, binary,
                language == null ? null : language.label, FileKind.of(path, head).id, kubernetes ? Boolean.TRUE : null);
    }

    private static final java.util.regex.Pattern API_VERSION = java.util.regex.Pattern.compile("(?m)^(?:\\s*\"apiVersion\"\\s*:|apiVersion:)");
    private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("(?m)^(?:\\s*\"kind\"\\s*:|kind:)");

    /** A YAML or JSON file that declares a Kubernetes object (top-level apiVersion and kind), wherever it is. */
    private static boolean isKubernetesObject(String path, byte[] bytes) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) || bytes.length > 2_000_000) {
            return false;
        }
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return API_VERSION.matcher(text).find() && KIND.matcher(text).find();
    }

    /** Files only (not symlinks or submodules: a submodule's id is a commit this repository does not hold). */
    private static boolean isFile(FileMode mode) {
        return (mode.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
    }

    private static String changeType(DiffEntry.ChangeType type) {
        return switch (type) {
            case ADD -> "added";
            case MODIFY -> "modified";
            case DELETE -> "deleted";
            case RENAME -> "renamed";
            case COPY -> "copied";
        };
    }
}
