package dev.sluice.analyze;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one source file declares and imports, read line by line with patterns (no parser): enough to draw the
 * import graph of Java, Kotlin, Python, JavaScript/TypeScript and Go. {@code names} are the capitalised words of
 * a Java or Kotlin file: a class of the same package is used without an import, so a use is the only trace.
 */
record ImportScan(String pkg, List<String> imports, Set<String> names) {
    static final ImportScan EMPTY = new ImportScan(null, List.of(), Set.of());

    private static final Pattern JVM_PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)");
    private static final Pattern JVM_IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?(\\w+(?:\\.\\w+)*(?:\\.\\*)?)");
    private static final Pattern CAPITALISED = Pattern.compile("\\b[A-Z]\\w*");
    private static final Pattern PY_IMPORT = Pattern.compile("^\\s*import\\s+(.+)");
    private static final Pattern PY_FROM = Pattern.compile("^\\s*from\\s+(\\.*[\\w.]*)\\s+import\\s+\\(?\\s*([^#]*)");
    private static final Pattern JS_FROM = Pattern.compile("(?:^|\\s|;)(?:import|export)\\b[^'\"`]*?\\bfrom\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern JS_BARE = Pattern.compile("^\\s*import\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern JS_CALL = Pattern.compile("\\b(?:require|import)\\s*\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)");
    private static final Pattern GO_SINGLE = Pattern.compile("^\\s*import\\s+(?:[\\w.]+\\s+)?\"([^\"]+)\"");
    private static final Pattern GO_BLOCK_START = Pattern.compile("^\\s*import\\s*\\(");
    private static final Pattern GO_BLOCK_LINE = Pattern.compile("^\\s*(?:[\\w.]+\\s+)?\"([^\"]+)\"");

    static ImportScan of(Language language, byte[] content) {
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

    static boolean reads(Language language) {
        return language == Language.JAVA || language == Language.KOTLIN || language == Language.PYTHON
                || language == Language.JAVASCRIPT || language == Language.TYPESCRIPT || language == Language.GO;
    }

    private static String[] text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).split("\n");
    }

    private static ImportScan jvm(String[] lines) {
        String pkg = null;
        List<String> imports = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            if (pkg == null) {
                Matcher p = JVM_PACKAGE.matcher(line);
                if (p.find()) {
                    pkg = p.group(1);
                    continue;
                }
            }
            Matcher i = JVM_IMPORT.matcher(line);
            if (i.find()) {
                imports.add(i.group(1));
                continue;
            }
            Matcher w = CAPITALISED.matcher(line);
            while (w.find()) {
                names.add(w.group());
            }
        }
        return new ImportScan(pkg == null ? "" : pkg, List.copyOf(imports), Set.copyOf(names));
    }

    /** Python imports as module names; "from a import b" gives "a.b" and "a" (b may be a module or a name in a). */
    private static ImportScan python(String[] lines) {
        List<String> imports = new ArrayList<>();
        for (String line : lines) {
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

    private static ImportScan javascript(String[] lines) {
        List<String> imports = new ArrayList<>();
        for (String line : lines) {
            if (!(line.contains("import") || line.contains("require") || line.contains("export"))) {
                continue;
            }
            for (Pattern p : new Pattern[] { JS_FROM, JS_BARE, JS_CALL }) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    imports.add(m.group(1));
                }
            }
        }
        return new ImportScan(null, List.copyOf(imports), Set.of());
    }

    private static ImportScan go(String[] lines) {
        List<String> imports = new ArrayList<>();
        boolean block = false;
        for (String line : lines) {
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
