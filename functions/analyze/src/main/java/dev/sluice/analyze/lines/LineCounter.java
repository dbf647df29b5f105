package dev.sluice.analyze.lines;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the code, comment and blank lines of one file the way cloc 1.96 does (its default options), so that
 * the two agree: blank lines first, then the language's comment filters over the remaining lines, and every
 * non-blank line a filter emptied is a comment. cloc's filters are regular expressions over the joined text;
 * this class runs the same rules as one pass over the bytes, quirks included (a block comment that starts after
 * code and ends before code joins the two lines, as cloc's substitution does).
 */
public final class LineCounter {
    private LineCounter() {
    }

    /** The lines of one file in {@code language}; {@code content} is the file's bytes (any encoding, read as bytes). */
    public static LineCount count(Language language, byte[] content) {
        return count(language, "", content);
    }

    /** As {@link #count(Language, byte[])}; {@code path} is the file's name, which a few of cloc's filters read (Haskell's .lhs). */
    public static LineCount count(Language language, String path, byte[] content) {
        if (content.length == 0) {
            return LineCount.NONE; // cloc skips zero-sized files: not even a file
        }
        if (language.style == Language.Style.FILTERS) {
            return countWithFilters(language, path, content);
        }
        List<Line> lines = Line.split(content);
        int total = lines.size();
        boolean continues = language.continuation;
        lines = withoutBlanks(lines, continues);
        int blank = total - lines.size();
        Line first = lines.isEmpty() ? null : lines.get(0);
        switch (language.style) {
            case NONE -> {
            }
            case HASH -> lines = withoutBlanks(withoutHashComments(lines), continues);
            case RUBY -> lines = withoutBlanks(withoutBeginEnd(withoutBlanks(withoutHashComments(lines), continues)), continues);
            case C_LIKE -> lines = withoutBlanks(withoutComments(lines, true), continues);
            case JAVA -> lines = withoutBlanks(withoutComments(javaStrings(lines), true), continues);
            case PHP -> lines = withoutBlanks(withoutComments(withoutBlanks(withoutHashComments(lines), continues), true), continues);
            case PYTHON -> {
                lines = withoutBlanks(python(lines), continues);
                lines = withoutBlanks(withoutComments(docstringsAsComments(lines), false), continues);
            }
            case MARKDOWN -> lines = markdown(lines);
            case FILTERS -> throw new IllegalStateException("counted by countWithFilters");
        }
        long code = lines.size();
        if (language.script && first != null && first.startsWith("#!") && (lines.isEmpty() || !lines.get(0).sameText(first))) {
            // cloc removes a script's #! line with the comments, then puts it back as code.
            code++;
        }
        return new LineCount(1, code, total - blank - code, blank);
    }

    /**
     * cloc's call_counter for a language with its own filter chain: lines as cloc's read_file gives them (a byte order
     * mark dropped, a CR before the newline trimmed), blank lines out, then each filter followed by blank lines out
     * again; what is left is code, and a script's {@code #!} line is code even when a filter took it.
     */
    private static LineCount countWithFilters(Language language, String path, byte[] content) {
        List<String> lines = new ArrayList<>();
        for (Line l : Line.split(content)) {
            String text = l.text();
            lines.add(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        }
        if (!lines.isEmpty()) {
            lines.set(0, withoutByteOrderMark(lines.get(0)));
        }
        int total = lines.size();
        boolean continues = language.continuation;
        lines = withoutBlankText(lines, continues);
        int blank = total - lines.size();
        String first = lines.isEmpty() ? null : lines.get(0);
        if (!lines.isEmpty()) {
            for (ClocFilters.Filter f : language.filters) {
                lines = withoutBlankText(f.apply(lines, content, path), continues);
            }
        }
        long code = lines.size();
        if (language.script && first != null && first.startsWith("#!") && (lines.isEmpty() || !lines.get(0).equals(first))) {
            code++;
        }
        return new LineCount(1, code, total - blank - code, blank);
    }

    private static String withoutByteOrderMark(String line) {
        if (line.startsWith("\u00ef\u00bb\u00bf")) {
            return line.substring(3);
        }
        if (line.startsWith("\u00fe\u00ff") || line.startsWith("\u00ff\u00fe")) {
            return line.substring(2);
        }
        return line;
    }

    /** {@link #withoutBlanks} for text lines. */
    private static List<String> withoutBlankText(List<String> lines, boolean continues) {
        List<String> kept = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (ClocFilters.blank(l) && !(continues && i > 0 && lines.get(i - 1).endsWith("\\"))) {
                continue;
            }
            kept.add(l);
        }
        return kept;
    }

    /** A line of text without its newline: a slice of a byte array. */
    record Line(byte[] b, int from, int to) {
        static List<Line> split(byte[] b) {
            List<Line> lines = new ArrayList<>(b.length / 30 + 4);
            int pos = 0;
            while (pos < b.length) {
                int nl = pos;
                while (nl < b.length && b[nl] != '\n') {
                    nl++;
                }
                lines.add(new Line(b, pos, nl));
                pos = nl + 1;
            }
            return lines;
        }

        boolean isBlank() {
            for (int i = from; i < to; i++) {
                if (!isSpace(b[i])) {
                    return false;
                }
            }
            return true;
        }

        boolean endsWithBackslash() {
            return to > from && b[to - 1] == '\\';
        }

        /** {@code ^\s*#}: the first non-space character is '#'. */
        boolean isHashComment() {
            for (int i = from; i < to; i++) {
                if (b[i] == '#') {
                    return true;
                }
                if (!isSpace(b[i])) {
                    return false;
                }
            }
            return false;
        }

        boolean startsWith(String prefix) {
            if (to - from < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (b[from + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        boolean contains(char c1, char c2) {
            for (int i = from; i + 1 < to; i++) {
                if (b[i] == c1 && b[i + 1] == c2) {
                    return true;
                }
            }
            return false;
        }

        boolean sameText(Line o) {
            return java.util.Arrays.equals(b, from, to, o.b, o.from, o.to);
        }

        String text() {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }

        static Line of(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            return new Line(bytes, 0, bytes.length);
        }
    }

    /** Perl's {@code \s} on bytes: space, tab, CR, form feed, vertical tab, newline. */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B || c == '\n';
    }

    /**
     * Drops blank lines, except (for a language where a trailing backslash continues a line) a blank line right
     * after a line ending in a backslash: cloc keeps those, and they end up counted as code.
     */
    private static List<Line> withoutBlanks(List<Line> lines, boolean continues) {
        List<Line> kept = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (l.isBlank() && !(continues && i > 0 && lines.get(i - 1).endsWithBackslash())) {
                continue;
            }
            kept.add(l);
        }
        return kept;
    }

    private static List<Line> withoutHashComments(List<Line> lines) {
        List<Line> kept = new ArrayList<>(lines.size());
        for (Line l : lines) {
            if (!l.isHashComment()) {
                kept.add(l);
            }
        }
        return kept;
    }

    /** Ruby's {@code =begin} ... {@code =end} blocks, marker lines included. */
    private static List<Line> withoutBeginEnd(List<Line> lines) {
        List<Line> kept = new ArrayList<>(lines.size());
        boolean between = false;
        for (Line l : lines) {
            if (!between && l.startsWith("=begin")) {
                between = true;
                continue;
            }
            if (between) {
                if (l.startsWith("=end")) {
                    between = false;
                }
                continue;
            }
            kept.add(l);
        }
        return kept;
    }

    // Java only: cloc replaces a quoted string that ends in "/*" or "*/" by xx before looking for comments.
    private static final Pattern JAVA_STRING_OPENS = Pattern.compile("([\"'])(.*?/\\*)\\1");
    private static final Pattern JAVA_STRING_CLOSES = Pattern.compile("([\"'])(.*?\\*/)\\1");

    /** cloc's Java pre-filters: a trailing backslash becomes a space, and strings ending in a comment marker become xx. */
    private static List<Line> javaStrings(List<Line> lines) {
        List<Line> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            boolean backslash = l.endsWithBackslash();
            boolean quoted = false;
            for (int i = l.from; i < l.to && !quoted; i++) {
                quoted = l.b[i] == '"' || l.b[i] == '\'';
            }
            boolean marker = quoted && (l.contains('/', '*') || l.contains('*', '/'));
            if (!backslash && !marker) {
                out.add(l);
                continue;
            }
            String text = l.text();
            if (backslash) {
                text = text.substring(0, text.length() - 1) + " ";
            }
            if (marker) {
                text = JAVA_STRING_OPENS.matcher(text).replaceAll("xx");
                text = JAVA_STRING_CLOSES.matcher(text).replaceAll("xx");
            }
            Line changed = Line.of(text);
            if (!changed.isBlank()) {
                out.add(changed);
            }
        }
        return out;
    }

    /** Python: cloc takes every line holding {@code /*} or {@code *\/}, and every line starting with '#', for a comment. */
    private static List<Line> python(List<Line> lines) {
        List<Line> kept = new ArrayList<>(lines.size());
        for (Line l : lines) {
            if (!(l.contains('/', '*') || l.contains('*', '/') || l.isHashComment())) {
                kept.add(l);
            }
        }
        return kept;
    }

    /** Triple quotes open and close docstrings (alternately, whatever the quote): they become C comment markers. */
    private static List<Line> docstringsAsComments(List<Line> lines) {
        List<Line> out = new ArrayList<>(lines.size());
        boolean inDocstring = false;
        for (Line l : lines) {
            int q = tripleQuote(l.b, l.from, l.to);
            if (q < 0) {
                out.add(l);
                continue;
            }
            Buffer text = new Buffer(l.to - l.from + 8);
            int pos = l.from;
            while (q >= 0) {
                if (!inDocstring) {
                    // [uU]? before the opening quotes goes with them.
                    int start = q > pos && (l.b[q - 1] == 'u' || l.b[q - 1] == 'U') ? q - 1 : q;
                    text.append(l.b, pos, start);
                    text.append((byte) '/');
                    text.append((byte) '*');
                } else {
                    text.append(l.b, pos, q);
                    text.append((byte) '*');
                    text.append((byte) '/');
                }
                inDocstring = !inDocstring;
                pos = q + 3;
                q = tripleQuote(l.b, pos, l.to);
            }
            text.append(l.b, pos, l.to);
            out.add(new Line(text.bytes, 0, text.length));
        }
        return out;
    }

    private static int tripleQuote(byte[] b, int from, int to) {
        for (int i = from; i + 2 < to; i++) {
            byte c = b[i];
            if ((c == '"' || c == '\'') && b[i + 1] == c && b[i + 2] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * cloc's Regexp::Common substitution over the joined lines: removes {@code /* ... *\/} (and, with
     * {@code lineComments}, {@code //} through the next newline) leftmost first, then splits into lines again.
     * For C++ comments cloc joins each line with an extra newline unless it ends in a backslash, so a {@code //}
     * comment eats only that extra newline, or the real one after a continued line.
     */
    static List<Line> withoutComments(List<Line> lines, boolean lineComments) {
        return withoutComments(lines, lineComments, true);
    }

    /**
     * As above; {@code newlineKept} says whether cloc's lines still end in their newline at this step. They do not after
     * an earlier {@code call_regexp_common} (its split drops them): then each line gets one newline, and for C++ none
     * after a line ending in a backslash, so a {@code //} comment ends at the next line's start.
     */
    static List<Line> withoutComments(List<Line> lines, boolean lineComments, boolean newlineKept) {
        int size = 0;
        for (Line l : lines) {
            size += l.to - l.from + 2;
        }
        byte[] s = new byte[size];
        int len = 0;
        for (Line l : lines) {
            System.arraycopy(l.b, l.from, s, len, l.to - l.from);
            len += l.to - l.from;
            if (newlineKept || !lineComments || !l.endsWithBackslash()) {
                s[len++] = '\n';
            }
            if (newlineKept && lineComments && !l.endsWithBackslash()) {
                s[len++] = '\n';
            }
        }
        byte[] out = new byte[len];
        int n = 0;
        boolean noCloseLeft = false;
        int i = 0;
        while (i < len) {
            byte c = s[i];
            if (c == '/' && i + 1 < len) {
                byte d = s[i + 1];
                if (d == '/' && lineComments) {
                    int nl = indexOf(s, (byte) '\n', i + 2, len);
                    if (nl >= 0) {
                        i = nl + 1;
                        continue;
                    }
                } else if (d == '*' && !noCloseLeft) {
                    int close = indexOfClose(s, i + 2, len);
                    if (close >= 0) {
                        i = close + 2;
                        continue;
                    }
                    // No "*/" after here: no later "/*" can close either.
                    noCloseLeft = true;
                }
            }
            out[n++] = c;
            i++;
        }
        // Perl's split drops trailing empty fields.
        while (n > 0 && out[n - 1] == '\n') {
            n--;
        }
        return Line.split(java.util.Arrays.copyOf(out, n));
    }

    private static int indexOf(byte[] s, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfClose(byte[] s, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (s[i] == '*' && s[i + 1] == '/') {
                return i;
            }
        }
        return -1;
    }

    private static final Pattern MD_COMMENT_ONE_LINE = Pattern.compile("<!--.*?-->");
    private static final Pattern MD_COMMENT_END = Pattern.compile("^.*?-->");
    private static final Pattern MD_COMMENT_START = Pattern.compile("^(.*?)<!--");
    private static final String MD_LINK_START = "\\[(comment|//)?\\]\\s*:?\\s*(<\\s*>|#)?\\s*\\(.*?";
    private static final String MD_LINK_END = ".*?\\)";
    private static final Pattern MD_LINK_ONE_LINE = Pattern.compile(MD_LINK_START + ".*?" + MD_LINK_END);
    private static final Pattern MD_LINK_CLOSE = Pattern.compile("^.*?" + MD_LINK_END);
    private static final Pattern MD_LINK_OPEN = Pattern.compile("^(.*?)" + MD_LINK_START);

    /** Markdown: HTML comments and the {@code [comment]: # (...)} link idiom are comments. */
    private static List<Line> markdown(List<Line> in) {
        List<String> lines = new ArrayList<>(in.size());
        for (Line l : in) {
            lines.add(l.text());
        }
        lines = removeBetween(lines, MD_COMMENT_ONE_LINE, MD_COMMENT_END, MD_COMMENT_START, "<!--");
        lines = removeBetween(lines, MD_LINK_ONE_LINE, MD_LINK_CLOSE, MD_LINK_OPEN, "[");
        List<Line> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(Line.of(l));
        }
        return out;
    }

    /** cloc's remove_between_general / remove_between_regex, line by line. */
    private static List<String> removeBetween(List<String> in, Pattern oneLine, Pattern close,
            Pattern open, String hint) {
        List<String> out = new ArrayList<>(in.size());
        boolean inComment = false;
        for (String line : in) {
            if (!inComment && !line.contains(hint)) {
                out.add(line);
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            line = oneLine.matcher(line).replaceAll("");
            if (ClocFilters.blank(line)) {
                continue;
            }
            if (inComment) {
                Matcher m = close.matcher(line);
                if (m.find()) {
                    line = m.replaceFirst("");
                    inComment = false;
                }
                if (inComment) {
                    continue;
                }
            }
            if (ClocFilters.blank(line)) {
                continue;
            }
            Matcher m = open.matcher(line);
            if (m.find()) {
                inComment = true;
                String lead = m.group(1);
                if (ClocFilters.blank(lead)) {
                    continue;
                }
                line = lead;
            }
            out.add(line);
        }
        return out;
    }

    /** A growable byte array: the text the comment filter runs over. */
    private static final class Buffer {
        byte[] bytes;
        int length;

        Buffer(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        void append(byte c) {
            ensure(1);
            bytes[length++] = c;
        }

        void append(byte[] src, int from, int to) {
            int n = to - from;
            if (n <= 0) {
                return;
            }
            ensure(n);
            System.arraycopy(src, from, bytes, length, n);
            length += n;
        }

        private void ensure(int n) {
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
        }
    }
}
