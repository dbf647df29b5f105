package dev.sluice.analyze.lines;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The languages whose lines analyze counts, named as cloc names them so the two can be compared, with the
 * comment style cloc applies to each. A file's language comes from its name (extension or a known file name),
 * or for a file without an extension from its {@code #!} line, as cloc does.
 */
public enum Language {
    JAVA("Java", Style.JAVA, false, false),
    KOTLIN("Kotlin", Style.C_LIKE, false, false),
    PYTHON("Python", Style.PYTHON, true, true),
    JAVASCRIPT("JavaScript", Style.C_LIKE, false, true),
    TYPESCRIPT("TypeScript", Style.C_LIKE, false, true),
    GO("Go", Style.C_LIKE, false, true),
    RUST("Rust", Style.C_LIKE, false, false),
    C("C", Style.C_LIKE, false, true),
    CPP("C++", Style.C_LIKE, false, true),
    C_HEADER("C/C++ Header", Style.C_LIKE, false, true),
    CSHARP("C#", Style.C_LIKE, false, true),
    RUBY("Ruby", Style.RUBY, true, true),
    PHP("PHP", Style.PHP, true, false),
    SHELL("Bourne Shell", Style.HASH, true, true),
    BASH("Bourne Again Shell", Style.HASH, true, true),
    YAML("YAML", Style.HASH, false, false),
    JSON("JSON", Style.NONE, false, false),
    MARKDOWN("Markdown", Style.MARKDOWN, false, false),
    DOCKERFILE("Dockerfile", Style.HASH, false, false);

    /** How comments are recognised: the filter chain cloc 1.96 runs for the language. */
    public enum Style {
        C_LIKE, JAVA, PYTHON, PHP, HASH, RUBY, MARKDOWN, NONE
    }

    public final String label;
    public final Style style;
    /** cloc counts a first {@code #!} line of a script language as code, though it looks like a comment. */
    public final boolean script;
    /** cloc keeps a blank line that follows a line ending in a backslash (a continued line) for these languages. */
    public final boolean continuation;

    Language(String label, Style style, boolean script, boolean continuation) {
        this.label = label;
        this.style = style;
        this.script = script;
        this.continuation = continuation;
    }

    private static final Map<String, Language> BY_EXTENSION = new HashMap<>();
    private static final Map<String, Language> BY_INTERPRETER = new HashMap<>();

    static {
        ext(JAVA, "java");
        ext(KOTLIN, "kt", "kts", "ktm");
        ext(PYTHON, "py", "pyi", "pyw", "py3");
        ext(JAVASCRIPT, "js", "mjs", "cjs", "es6", "jsm");
        ext(TYPESCRIPT, "ts", "tsx");
        ext(GO, "go");
        ext(RUST, "rs");
        ext(C, "c");
        ext(CPP, "cpp", "cc", "cxx", "c++", "tcc", "tpp", "ipp", "inl", "h++");
        ext(C_HEADER, "h", "hh", "hpp", "hxx");
        ext(CSHARP, "cs");
        ext(RUBY, "rb", "rake", "gemspec", "ru", "rbw");
        ext(PHP, "php", "php3", "php4", "php5", "phtml", "phpt");
        ext(SHELL, "sh");
        ext(BASH, "bash");
        ext(YAML, "yaml", "yml");
        ext(JSON, "json", "jsonl", "geojson", "webmanifest");
        ext(MARKDOWN, "md", "markdown", "mdown", "mkd", "mkdn", "mdx");
        BY_INTERPRETER.put("sh", SHELL);
        BY_INTERPRETER.put("bash", BASH);
        BY_INTERPRETER.put("ruby", RUBY);
        BY_INTERPRETER.put("php", PHP);
        for (String p : new String[] { "python", "python2", "python3", "python2.7", "python3.6", "python3.7", "python3.8" }) {
            BY_INTERPRETER.put(p, PYTHON);
        }
    }

    private static void ext(Language language, String... extensions) {
        for (String e : extensions) {
            BY_EXTENSION.put(e, language);
        }
    }

    /** The language of a file name alone; null when the name does not tell (see {@link #needsContent}). */
    public static Language ofName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("dockerfile") || lower.endsWith(".dockerfile")) {
            return DOCKERFILE;
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return null;
        }
        String ext = name.substring(dot + 1);
        // cloc reads a capital .C as C++ and a capital .H as a header.
        if (ext.equals("C")) {
            return CPP;
        }
        return BY_EXTENSION.get(ext.toLowerCase(Locale.ROOT));
    }

    /** A file without an extension may be a script: only its first line says which. */
    public static boolean needsContent(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.indexOf('.') < 0 && !name.equalsIgnoreCase("dockerfile");
    }

    /** The language of a {@code #!} line ({@code #!/bin/sh}, {@code #!/usr/bin/env python3}), or null. */
    public static Language ofShebang(byte[] content) {
        if (content.length < 3 || content[0] != '#' || content[1] != '!') {
            return null;
        }
        int end = 2;
        while (end < content.length && content[end] != '\n' && end < 200) {
            end++;
        }
        String[] words = new String(content, 2, end - 2, java.nio.charset.StandardCharsets.ISO_8859_1).trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return null;
        }
        String exe = words[0].substring(words[0].lastIndexOf('/') + 1);
        if (exe.equals("env")) {
            int i = 1;
            while (i < words.length && words[i].startsWith("-")) {
                i++;
            }
            exe = i < words.length ? words[i] : "";
        }
        return BY_INTERPRETER.get(exe);
    }

    public static Language ofLabel(String label) {
        for (Language l : values()) {
            if (l.label.equals(label)) {
                return l;
            }
        }
        return null;
    }
}
