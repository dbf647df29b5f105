package dev.sluice.analyze.imports;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.analyze.lines.Language;

/**
 * What one source file declares and imports, read line by line with patterns (no parser): enough to draw the
 * import graph of Java, Kotlin, Python, JavaScript/TypeScript and Go. {@code names} are the capitalised words of
 * a Java or Kotlin file: a class of the same package is used without an import, so a use is the only trace.
 */
public record ImportScan(String pkg, List<String> imports, Set<String> names) {
    public static final ImportScan EMPTY = new ImportScan(null, List.of(), Set.of());

    private static final Pattern JVM_PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)");
    private static final Pattern JVM_IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?(\\w+(?:\\.\\w+)*(?:\\.\\*)?)");
    private static final Pattern PY_IMPORT = Pattern.compile("^\\s*import\\s+(.+)");
    private static final Pattern PY_FROM = Pattern.compile("^\\s*from\\s+(\\.*[\\w.]*)\\s+import\\s+\\(?\\s*([^#]*)");
    private static final Pattern JS_FROM = Pattern.compile("(?:^|\\s|;)(?:import|export)\\b[^'\"`]*?\\bfrom\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern JS_BARE = Pattern.compile("^\\s*import\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern JS_CALL = Pattern.compile("\\b(?:require|import)\\s*\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)");
    // An import or re-export clause that goes on on the next lines: "import {", "export * as ns", "import type {".
    private static final Pattern JS_OPEN_CLAUSE = Pattern.compile("^\\s*(?:import|export)\\b[\\s\\w${},*]*$");
    private static final int CLAUSE_LINES = 200;
    private static final Pattern GO_SINGLE = Pattern.compile("^\\s*import\\s+(?:[\\w.]+\\s+)?\"([^\"]+)\"");
    private static final Pattern GO_BLOCK_START = Pattern.compile("^\\s*import\\s*\\(");
    private static final Pattern GO_BLOCK_LINE = Pattern.compile("^\\s*(?:[\\w.]+\\s+)?\"([^\"]+)\"");

    /**
     * The language a path is read as for the graph: its counted language, or JavaScript for {@code .jsx} and
     * TypeScript for {@code .ts} (which cloc names by its content: TypeScript or Qt Linguist), {@code .mts} and {@code .cts},
     * which cloc 1.96 does not count as either (so neither does
     * {@link Language}) but which import and are imported like them. Null when the graph does not read the file.
     */
    public static Language graphLanguage(String path) {
        Language counted = Language.ofName(path);
        if (reads(counted)) {
            return counted;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsx")) {
            return Language.JAVASCRIPT;
        }
        if (lower.endsWith(".ts") || lower.endsWith(".mts") || lower.endsWith(".cts")) {
            return Language.TYPESCRIPT;
        }
        return null;
    }

    public static ImportScan of(Language language, byte[] content) {
        if (language == null) {
            return EMPTY;
        }
        return switch (language) {
            case JAVA, KOTLIN -> jvm(text(content));
            case PYTHON -> python(text(content));
            case JAVASCRIPT, TYPESCRIPT -> javascript(text(content));
            case GO -> go(text(content));
            default -> EMPTY;
        };
    }

    public static boolean reads(Language language) {
        return language == Language.JAVA || language == Language.KOTLIN || language == Language.PYTHON
                || language == Language.JAVASCRIPT || language == Language.TYPESCRIPT || language == Language.GO;
    }

    /** Lines of the file; imports are ASCII, so bytes are read as Latin-1 (no decoding cost, never an error). */
    private static List<String> text(byte[] content) {
        String all = new String(content, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(content.length / 32 + 1);
        int from = 0;
        while (from <= all.length()) {
            int nl = all.indexOf('\n', from);
            if (nl < 0) {
                lines.add(all.substring(from));
                break;
            }
            lines.add(all.substring(from, nl));
            from = nl + 1;
        }
        return lines;
    }

    /** The first word of a line after leading blanks starts with {@code word}: the cheap test before a pattern. */
    private static boolean startsWithWord(String line, String word) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return line.startsWith(word, i);
    }

    /** Words starting with a capital letter (class names, mostly), found without a regular expression. */
    private static void capitalised(String line, Set<String> names) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (c >= 'A' && c <= 'Z' && (i == 0 || !isWordChar(line.charAt(i - 1)))) {
                int j = i + 1;
                while (j < n && isWordChar(line.charAt(j))) {
                    j++;
                }
                names.add(line.substring(i, j));
                i = j;
            } else {
                i++;
            }
        }
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static ImportScan jvm(List<String> lines) {
        String pkg = null;
        List<String> imports = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (String line : lines) {
            if (pkg == null && startsWithWord(line, "package")) {
                Matcher p = JVM_PACKAGE.matcher(line);
                if (p.find()) {
                    pkg = p.group(1);
                    continue;
                }
            }
            if (startsWithWord(line, "import")) {
                Matcher i = JVM_IMPORT.matcher(line);
                if (i.find()) {
                    imports.add(i.group(1));
                    continue;
                }
            }
            capitalised(line, names);
        }
        return new ImportScan(pkg == null ? "" : pkg, List.copyOf(imports), Set.copyOf(names));
    }

    /** Python imports as module names; "from a import b" gives "a.b" and "a" (b may be a module or a name in a). */
    private static ImportScan python(List<String> lines) {
        List<String> imports = new ArrayList<>();
        for (String line : lines) {
            if (!startsWithWord(line, "from") && !startsWithWord(line, "import")) {
                continue;
            }
            Matcher f = PY_FROM.matcher(line);
            if (f.find()) {
                String from = f.group(1);
                for (String name : f.group(2).split(",")) {
                    String n = name.trim().split("\\s+")[0].replace(")", "");
                    if (!n.isEmpty() && !n.equals("*") && n.matches("\\w+")) {
                        imports.add(from.endsWith(".") ? from + n : from + "." + n);
                    }
                }
                imports.add(from);
                continue;
            }
            Matcher i = PY_IMPORT.matcher(line);
            if (i.find()) {
                for (String part : i.group(1).split(",")) {
                    String n = part.trim().split("\\s+")[0];
                    if (n.matches("[\\w.]+")) {
                        imports.add(n);
                    }
                }
            }
        }
        return new ImportScan(null, List.copyOf(imports), Set.of());
    }

    /**
     * Imports line by line; a clause spread over lines ({@code import {} on one, {@code } from './x'} a few lines
     * later, the usual formatting of a long import) is joined up to the line that names the module.
     */
    private static ImportScan javascript(List<String> lines) {
        Set<String> imports = new LinkedHashSet<>();
        StringBuilder clause = null;
        int clauseLines = 0;
        for (String line : lines) {
            boolean statement = startsWithWord(line, "import") || startsWithWord(line, "export");
            if (clause != null) {
                if (statement) {
                    clause = null;
                } else {
                    int comment = line.indexOf("//");
                    String code = comment < 0 ? line : line.substring(0, comment);
                    clause.append(' ').append(code);
                    if (code.indexOf('\'') >= 0 || code.indexOf('"') >= 0) {
                        find(JS_FROM, clause, imports);
                        clause = null;
                    } else if (code.indexOf(';') >= 0 || ++clauseLines > CLAUSE_LINES) {
                        clause = null;
                    }
                }
            }
            if (!(line.contains("import") || line.contains("require") || line.contains("export"))) {
                continue;
            }
            for (Pattern p : new Pattern[] { JS_FROM, JS_BARE, JS_CALL }) {
                find(p, line, imports);
            }
            if (statement && JS_OPEN_CLAUSE.matcher(line).matches()) {
                clause = new StringBuilder(line);
                clauseLines = 0;
            }
        }
        return new ImportScan(null, List.copyOf(imports), Set.of());
    }

    private static void find(Pattern p, CharSequence text, Set<String> imports) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            imports.add(m.group(1));
        }
    }

    private static ImportScan go(List<String> lines) {
        List<String> imports = new ArrayList<>();
        boolean block = false;
        for (String line : lines) {
            if (!block && !startsWithWord(line, "import")) {
                continue;
            }
            if (block) {
                if (line.trim().startsWith(")")) {
                    block = false;
                    continue;
                }
                Matcher m = GO_BLOCK_LINE.matcher(line);
                if (m.find()) {
                    imports.add(m.group(1));
                }
                continue;
            }
            if (GO_BLOCK_START.matcher(line).find()) {
                block = true;
                continue;
            }
            Matcher m = GO_SINGLE.matcher(line);
            if (m.find()) {
                imports.add(m.group(1));
            }
        }
        return new ImportScan(null, List.copyOf(imports), Set.of());
    }
}
