package dev.sluice.analyze;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * Files a repository marks as generated or vendored in its root {@code .gitattributes}
 * ({@code linguist-generated}, {@code linguist-vendored}, as GitHub's linguist reads them; {@code -attr} or
 * {@code attr=false} unmarks). Patterns match as gitattributes patterns do; the last matching line wins.
 */
final class GitAttributesMarks {
    static final String FILE = ".gitattributes";
    static final GitAttributesMarks NONE = new GitAttributesMarks(List.of());

    private record Mark(FastIgnoreRule pattern, String attribute, boolean set) {
    }

    private final List<Mark> marks;

    private GitAttributesMarks(List<Mark> marks) {
        this.marks = marks;
    }

    static GitAttributesMarks parse(byte[] content) {
        List<Mark> marks = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            for (int i = 1; i < parts.length; i++) {
                String a = parts[i];
                boolean unset = a.startsWith("-") || a.startsWith("!") || a.endsWith("=false");
                String name = a.replaceFirst("^[-!]", "").replaceFirst("=.*$", "");
                if (name.equals("linguist-generated") || name.equals("linguist-vendored")) {
                    marks.add(new Mark(new FastIgnoreRule(parts[0]), name, !unset));
                }
            }
        }
        return new GitAttributesMarks(List.copyOf(marks));
    }

    /** The kind the attributes give {@code path}, or null when they say nothing (or unmark it). */
    FileKind kindOf(String path) {
        Boolean generated = null;
        Boolean vendored = null;
        for (Mark m : marks) {
            if (m.pattern().isMatch(path, false)) {
                if (m.attribute().equals("linguist-generated")) {
                    generated = m.set();
                } else {
                    vendored = m.set();
                }
            }
        }
        if (Boolean.TRUE.equals(vendored)) {
            return FileKind.VENDORED;
        }
        return Boolean.TRUE.equals(generated) ? FileKind.GENERATED : null;
    }
}
