package dev.sluice.analyze.lines;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cloc 1.96's comment filters ({@code %Filters_by_Language}) for the languages whose chain is not one of
 * {@link LineCounter}'s fast paths, one function per cloc subroutine, over lines without their newline (read as
 * ISO-8859-1, so each byte is one character, as cloc reads them). cloc's {@code remove_inline} and
 * {@code rm_comments_in_strings} do nothing under its default options and are left out.
 */
final class ClocFilters {
    private ClocFilters() {
    }

    /** One step of a chain: lines in, lines out. */
    interface Filter {
        List<String> apply(List<String> lines, byte[] original, String path);
    }

    /** {@code remove_matches}: drops every line the pattern matches (case insensitive, as cloc's {@code m{...}i}). */
    static Filter matches(String regex) {
        Pattern p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNIX_LINES);
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            for (String l : lines) {
                if (!p.matcher(l).find()) {
                    out.add(l);
                }
            }
            return out;
        };
    }

    /** {@code call_regexp_common 'C'} ({@code cpp = false}) or {@code 'C++'}: LineCounter's comment removal. */
    static Filter cComments(boolean cpp) {
        return cComments(cpp, true);
    }

    /**
     * As {@link #cComments(boolean)} after an earlier {@code call_regexp_common} in the chain ({@code newlineKept}
     * false): cloc's lines have lost their newlines there, which changes how they are joined (Vue's chain).
     */
    static Filter cComments(boolean cpp, boolean newlineKept) {
        return (lines, original, path) -> {
            List<LineCounter.Line> in = new ArrayList<>(lines.size());
            for (String l : lines) {
                in.add(LineCounter.Line.of(l));
            }
            List<String> out = new ArrayList<>(lines.size());
            for (LineCounter.Line l : LineCounter.withoutComments(in, cpp, newlineKept)) {
                out.add(l.text());
            }
            return out;
        };
    }

    /** {@code remove_between_general}: one-line comments, then a comment opening after code and closing lines later. */
    static Filter between(String start, String end) {
        Pattern oneLine = re(Pattern.quote(start) + ".*?" + Pattern.quote(end));
        Pattern close = re("^.*?" + Pattern.quote(end));
        Pattern open = re("^(.*?)" + Pattern.quote(start));
        Pattern openRest = re("^(.*?)" + Pattern.quote(start) + ".*$");
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            boolean inComment = false;
            for (String l : lines) {
                if (l.isBlank()) {
                    continue;
                }
                l = oneLine.matcher(l).replaceAll("");
                if (blank(l)) {
                    continue;
                }
                if (inComment) {
                    if (l.contains(end)) {
                        l = close.matcher(l).replaceFirst("");
                        inComment = false;
                    }
                    if (inComment) {
                        continue;
                    }
                }
                if (blank(l)) {
                    continue;
                }
                Matcher m = open.matcher(l);
                if (m.find()) {
                    inComment = true;
                    if (blank(m.group(1))) {
                        continue;
                    }
                    l = openRest.matcher(l).replaceFirst(Matcher.quoteReplacement(m.group(1)));
                }
                out.add(l);
            }
            return out;
        };
    }

    /**
     * {@code remove_html_comments}: one-line {@code <!-- -->} comments go; a line where a comment opens is dropped whole,
     * and so is every line until the one that closes it, whose rest stays.
     */
    static Filter htmlComments() {
        Pattern oneLine = re("<!--.*?-->");
        Pattern close = re("^.*?-->");
        Pattern open = re("^(.*?)<!--");
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            boolean inComment = false;
            for (String l : lines) {
                if (blank(l)) {
                    continue;
                }
                l = oneLine.matcher(l).replaceAll("");
                if (blank(l)) {
                    continue;
                }
                if (inComment && l.contains("-->")) {
                    l = close.matcher(l).replaceFirst("");
                    inComment = false;
                }
                if (blank(l)) {
                    continue;
                }
                Matcher m = open.matcher(l);
                if (m.find()) {
                    inComment = true;
                    if (blank(m.group(1))) {
                        continue;
                    }
                }
                if (inComment) {
                    continue;
                }
                out.add(l);
            }
            return out;
        };
    }

    /** Regexp::Common's {@code $RE{comment}{HTML}} (SGML comment declarations), removed from the joined text. */
    private static final Pattern SGML_COMMENT = Pattern.compile("<!(?:--[^-]*(?:-[^-]+)*--\\s*)*>");

    static Filter htmlRegexpCommon() {
        return (lines, original, path) -> split(SGML_COMMENT.matcher(joined(lines)).replaceAll(""));
    }

    /** Groovy's {@code replace_between_regex}: a quoted string holding "/*" is split into two concatenated strings. */
    private static final Pattern GROOVY_STRING = re("([\"'])(.*?/)(\\*.*?)\\1.*?(.*?)");

    static Filter groovyStrings() {
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            for (String l : lines) {
                if (blank(l)) {
                    continue;
                }
                l = GROOVY_STRING.matcher(l).replaceAll("$1$2$1 + $1$3$1$4");
                if (!blank(l)) {
                    out.add(l);
                }
            }
            return out;
        };
    }

    /** {@code remove_below}: everything from the first line the marker matches on. */
    static Filter below(String regex) {
        Pattern p = re(regex);
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            for (String l : lines) {
                if (p.matcher(l).find()) {
                    break;
                }
                out.add(l);
            }
            return out;
        };
    }

    /** {@code remove_below_above}: from a line matching {@code below} through the next matching {@code above}. */
    static Filter belowAbove(String below, String above) {
        Pattern b = re(below);
        Pattern a = re(above);
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            boolean between = false;
            for (String l : lines) {
                if (!between && b.matcher(l).find()) {
                    between = true;
                    continue;
                }
                if (between && a.matcher(l).find()) {
                    between = false;
                    continue;
                }
                if (!between) {
                    out.add(l);
                }
            }
            return out;
        };
    }

    /** {@code remove_above}: everything before the first line the marker matches, if one does. */
    static Filter above(String regex) {
        Pattern p = re(regex);
        return (lines, original, path) -> {
            for (int i = 0; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) {
                    return new ArrayList<>(lines.subList(i, lines.size()));
                }
            }
            return lines;
        };
    }

    /** {@code docstring_to_C} (GraphQL): triple quotes open and close C comments, alternately. */
    static Filter docstrings() {
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            boolean in = false;
            for (String l : lines) {
                int q = tripleQuote(l, 0);
                while (q >= 0) {
                    if (!in) {
                        int start = q > 0 && (l.charAt(q - 1) == 'u' || l.charAt(q - 1) == 'U') ? q - 1 : q;
                        l = l.substring(0, start) + "/*" + l.substring(q + 3);
                    } else {
                        l = l.substring(0, q) + "*/" + l.substring(q + 3);
                    }
                    in = !in;
                    q = tripleQuote(l, 0);
                }
                out.add(l);
            }
            return out;
        };
    }

    /** The first {@code """} or {@code '''} (whichever comes first), as cloc's {@code /((""")|('''))/}. */
    private static int tripleQuote(String l, int from) {
        for (int i = from; i + 2 < l.length(); i++) {
            char c = l.charAt(i);
            if ((c == '"' || c == '\'') && l.charAt(i + 1) == c && l.charAt(i + 2) == c) {
                return i;
            }
        }
        return -1;
    }

    private static final Pattern ELIXIR_DOC_OPEN = Pattern.compile("(@(module)?doc\\s+(~[sScC])?['\"]{3})");
    private static final Pattern ELIXIR_DOC_CLOSE = re("(['\"]{3})");

    /** {@code elixir_doc_to_C}: {@code @doc """} / {@code @moduledoc """} ... {@code """} become C comments. */
    static Filter elixirDocs() {
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            boolean in = false;
            for (String l : lines) {
                Matcher m;
                if (!in && (m = ELIXIR_DOC_OPEN.matcher(l)).find()) {
                    l = l.replaceFirst(Pattern.quote(m.group(1)), "/*");
                    in = true;
                } else if (in && (m = ELIXIR_DOC_CLOSE.matcher(l)).find()) {
                    l = l.replaceFirst(Pattern.quote(m.group(1)), "*/");
                    in = false;
                }
                out.add(l);
            }
            return out;
        };
    }

    /** {@code powershell_to_C}: {@code <#} and {@code #>} become C comment markers. */
    static Filter powershellBlocks() {
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>(lines.size());
            for (String l : lines) {
                out.add(l.replace("<#", "/*").replace("#>", "*/"));
            }
            return out;
        };
    }

    private static final Pattern CELL_CODE = re("^\\s*\"cell_type\":\\s*\"code\",\\s*$");
    private static final Pattern SOURCE_OPEN = re("^\\s*\"source\":\\s*\\[\\s*$");
    private static final Pattern SOURCE_EMPTY_LINE = re("^\\s*\"\\s*\\\\n\",\\s*$");
    private static final Pattern SOURCE_COMMENT = re("^\\s*\"\\s*#");
    private static final Pattern SOURCE_CLOSE = re("^\\s*\\]\\s*$");

    /** {@code jupyter_nb}: only the source lines of code cells stay, less empty lines and {@code #} comments. */
    static Filter jupyter() {
        return (lines, original, path) -> {
            List<String> out = new ArrayList<>();
            boolean inCode = false;
            boolean inSource = false;
            for (String l : lines) {
                if (!inCode && !inSource && CELL_CODE.matcher(l).find()) {
                    inCode = true;
                } else if (inCode && !inSource && SOURCE_OPEN.matcher(l).find()) {
                    inSource = true;
                } else if (inCode && inSource) {
                    if (SOURCE_EMPTY_LINE.matcher(l).find() || SOURCE_COMMENT.matcher(l).find()) {
                        continue;
                    }
                    if (SOURCE_CLOSE.matcher(l).find()) {
                        inCode = false;
                        inSource = false;
                    } else {
                        out.add(l);
                    }
                }
            }
            return out;
        };
    }

    private static final Pattern HS_ONE_LINE = re("\\{-.*?-\\}");
    private static final Pattern HS_CLOSE = re("^.*?-\\}");
    private static final Pattern HS_OPEN_REST = re("\\{-.*");
    private static final Pattern HS_LINE_COMMENT = re("--.*");
    private static final Pattern HS_PRAGMA = re("^\\s*\\{-#");

    /**
     * {@code remove_haskell_comments} (SLOCCount's haskell_count): {@code {- -}} blocks and {@code --} comments; pragmas
     * {@code {-#} count as code; a literate {@code .lhs} file counts only its {@code >} lines or its code blocks.
     */
    static Filter haskell() {
        return (lines, original, path) -> {
            int literate = path.endsWith(".lhs") ? literateType(original) : 0;
            List<String> out = new ArrayList<>(lines.size());
            boolean inLitBlock = false;
            boolean inComment = false;
            for (String l : lines) {
                if (literate == 1) {
                    l = l.startsWith(">") ? l.substring(1) : "";
                } else if (literate == 2) {
                    if (inLitBlock) {
                        if (l.startsWith("\\end{code}")) {
                            l = "";
                            inLitBlock = false;
                        }
                    } else {
                        inLitBlock = l.startsWith("\\begin{code}");
                        l = "";
                    }
                }
                if (HS_PRAGMA.matcher(l).find()) {
                    out.add(l);
                    continue;
                }
                l = HS_ONE_LINE.matcher(l).replaceAll("");
                if (inComment) {
                    if (l.contains("-}")) {
                        l = HS_CLOSE.matcher(l).replaceFirst("");
                        inComment = false;
                    } else {
                        l = "";
                    }
                } else {
                    l = HS_LINE_COMMENT.matcher(l).replaceFirst("");
                    if (l.contains("{-") && !l.contains("{-#")) {
                        l = HS_OPEN_REST.matcher(l).replaceFirst("");
                        inComment = true;
                    }
                }
                if (!blank(l)) {
                    out.add(l);
                }
            }
            return out;
        };
    }

    /** cloc's determine_lit_type: 2 for LaTeX code blocks, 1 for bird tracks ({@code > }), 0 otherwise. */
    private static int literateType(byte[] original) {
        for (String l : new String(original, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n")) {
            if (l.startsWith("\\begin{code}")) {
                return 2;
            }
            if (l.length() > 1 && l.charAt(0) == '>' && Character.isWhitespace(l.charAt(1))) {
                return 1;
            }
        }
        return 0;
    }

    /** A pattern whose {@code .} and {@code $} know only {@code \n} as a line end, as Perl's. */
    static Pattern re(String regex) {
        return Pattern.compile(regex, Pattern.UNIX_LINES);
    }

    /** Perl's {@code ^\s*$}. */
    static boolean blank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B || c == '\n')) {
                return false;
            }
        }
        return true;
    }

    private static String joined(List<String> lines) {
        StringBuilder s = new StringBuilder();
        for (String l : lines) {
            s.append(l).append('\n');
        }
        return s.toString();
    }

    /** Perl's {@code split("\n", ...)}: trailing empty fields are dropped. */
    private static List<String> split(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
