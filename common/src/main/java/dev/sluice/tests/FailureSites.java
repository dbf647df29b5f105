package dev.sluice.tests;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a failed test is, as far as its report tells: a {@code file}/{@code line} attribute (pytest), a stack frame of
 * the test's class (Java, Kotlin), a {@code name_test.go:12:} line (Go) or a JavaScript stack frame (Jest). The report
 * gives a hint; {@link #resolve} turns it into a path relative to the checkout when the checkout has that file.
 */
final class FailureSites {
    private FailureSites() {
    }

    /** How a hint's path is found in the checkout. */
    enum Kind {
        /** A path as the report wrote it: relative already, or absolute (made relative when under the checkout). */
        PATH,
        /** A Java source path by package ({@code com/x/FooTest.java}), found at the end of a checkout path. */
        JAVA,
        /** A Go file name, found in the directory its package's import path ends with. */
        GO
    }

    /** {@code path}: what the report says; {@code pkg}: a Go failure's package import path. */
    record Hint(Kind kind, String path, String pkg) {
    }

    record Site(Hint hint, Integer line) {
    }

    // at [class loader/][module[@version]/]com.x.FooTest.bar(FooTest.java:42); every repetition is bounded, so a
    // hostile text of 64 KiB costs little to search
    private static final Pattern JAVA_FRAME = Pattern.compile("\\bat (?:[^\\s(]{0,200}/)?([\\w$.]{1,500})\\.([^.\\s(]{1,200})"
            + "\\(([^()\\s:/]{1,200}\\.(?:java|kt|groovy|scala)):(\\d{1,9})\\)");
    // calc_test.go:12: want 3 (go test's t.Error/t.Fatal prefix)
    private static final Pattern GO_LINE = Pattern.compile("(?:^|\\s)([\\w.\\-/]{0,300}_test\\.go):(\\d{1,9}):");
    // at Object.<anonymous> (/abs/path/src/sum.test.js:5:20), at /abs/path/x.ts:5:20
    private static final Pattern JS_FRAME = Pattern.compile("\\bat (?:[^\\n(]{0,150}\\()?((?:[A-Za-z]:)?[^\\s():]{1,500}?"
            + "\\.(?:[cm]?[jt]sx?|vue|svelte)):(\\d{1,9}):(\\d{1,9})\\)?");

    /** Characters at the start of a failure's text searched for a stack frame or a Go file line. */
    static final int FRAME_SEARCH_CHARS = 16 * 1024;

    /** What the report says about where the test failed; null when it says nothing. */
    static Site locate(String classname, String suite, String text, String fileAttr, String lineAttr) {
        String t = text == null ? "" : text;
        if (fileAttr != null) {
            String file = normalize(fileAttr);
            Integer line = null;
            Matcher m = Pattern.compile(Pattern.quote(file) + ":(\\d{1,9})").matcher(t);
            // a Python traceback lists the innermost frame last, a JavaScript stack first
            boolean lastWins = file.endsWith(".py");
            while (m.find()) {
                line = number(m.group(1));
                if (!lastWins) {
                    break;
                }
            }
            if (line == null && lineAttr != null) {
                line = number(lineAttr);
                // pytest writes the 0-based line of the test's def (its item location)
                if (line != null && lastWins) {
                    line++;
                }
            }
            return new Site(new Hint(Kind.PATH, file, null), line);
        }
        // stack frames are searched for near the top: the test's own frame comes early in a trace
        t = t.length() > FRAME_SEARCH_CHARS ? t.substring(0, FRAME_SEARCH_CHARS) : t;
        String cls = classname != null ? classname : suite;
        if (cls != null) {
            Matcher m = JAVA_FRAME.matcher(t);
            while (m.find()) {
                if (outer(m.group(1)).equals(outer(cls))) {
                    String outer = outer(m.group(1));
                    int dot = outer.lastIndexOf('.');
                    String path = (dot < 0 ? "" : outer.substring(0, dot).replace('.', '/') + "/") + m.group(3);
                    return new Site(new Hint(Kind.JAVA, path, null), number(m.group(4)));
                }
            }
        }
        Matcher go = GO_LINE.matcher(t);
        if (go.find()) {
            return new Site(new Hint(Kind.GO, go.group(1), suite != null ? suite : classname), number(go.group(2)));
        }
        Matcher js = JS_FRAME.matcher(t);
        while (js.find()) {
            String path = normalize(js.group(1));
            if (!path.contains("/node_modules/") && !path.startsWith("node:") && !path.startsWith("internal/")) {
                return new Site(new Hint(Kind.PATH, path, null), number(js.group(2)));
            }
        }
        return null;
    }

    /**
     * The hint as a path in the checkout when found there (by {@code named}: checkout paths by file name;
     * {@code root}: the checkout's absolute path, or null), else as the report has it (a Java class: its file name).
     */
    static String resolve(Hint hint, Map<String, List<String>> named, String root) {
        String path = hint.path();
        String name = baseName(path);
        List<String> candidates = named.getOrDefault(name, List.of());
        switch (hint.kind()) {
            case JAVA -> {
                return candidates.stream().filter(c -> c.equals(path) || c.endsWith("/" + path))
                        .min(Comparator.comparing((String c) -> !c.contains("src/test/")).thenComparing(c -> c))
                        .orElse(name);
            }
            case GO -> {
                String pkg = hint.pkg() == null ? "" : hint.pkg();
                List<String> fit = new ArrayList<>();
                for (String c : candidates) {
                    String dir = c.contains("/") ? c.substring(0, c.lastIndexOf('/')) : "";
                    if (c.equals(path) || (!dir.isEmpty() && (pkg.equals(dir) || pkg.endsWith("/" + dir)))) {
                        fit.add(c);
                    }
                }
                if (fit.isEmpty() && candidates.size() == 1) {
                    return candidates.get(0);
                }
                return fit.stream().max(Comparator.comparingInt(String::length)).orElse(path);
            }
            default -> {
                if (!isAbsolute(path)) {
                    return path;
                }
                if (root != null && path.startsWith(root + "/")) {
                    return path.substring(root.length() + 1);
                }
                // run elsewhere (a container's mount): the longest checkout path the reported path ends with
                return candidates.stream().filter(c -> path.endsWith("/" + c))
                        .max(Comparator.comparingInt(String::length)).orElse(path);
            }
        }
    }

    /** The file name a hint needs looked up in the checkout. */
    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static boolean isAbsolute(String path) {
        return path.startsWith("/") || path.matches("[A-Za-z]:/.*");
    }

    private static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }

    private static String outer(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    private static Integer number(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            return n >= 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
