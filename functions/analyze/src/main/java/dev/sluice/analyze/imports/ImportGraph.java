package dev.sluice.analyze.imports;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.sluice.analyze.lines.Language;

/**
 * Which file imports which, over the files of one tree, resolved within the repository (imports of outside
 * libraries lead nowhere and are dropped). Files are nodes; an edge runs from the importer to the imported.
 * Gives the cycles (strongly connected components, Tarjan) and the reach of a change: every file that
 * transitively depends on a changed one.
 */
public final class ImportGraph {
    private final List<String> files;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[][] dependsOn;
    private final int[][] dependents;
    private final int edges;
    private final Map<String, ImportScan> scans;

    private static final List<String> JS_EXTENSIONS = List.of("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts",
            ".cts", ".d.ts");

    /** @param scans every graph-language file of the tree with what it declares and imports */
    public ImportGraph(Map<String, ImportScan> scans) {
        files = new ArrayList<>(new TreeSet<>(scans.keySet().stream()
                .filter(f -> ImportScan.graphLanguage(f) != null).toList()));
        this.scans = scans;
        for (int i = 0; i < files.size(); i++) {
            index.put(files.get(i), i);
        }
        Resolver resolver = new Resolver(files, scans);
        List<Set<Integer>> out = new ArrayList<>();
        for (String f : files) {
            Set<Integer> targets = new TreeSet<>();
            for (String target : resolver.resolve(f, scans.get(f))) {
                Integer t = index.get(target);
                if (t != null && !target.equals(f)) {
                    targets.add(t);
                }
            }
            out.add(targets);
        }
        dependsOn = new int[files.size()][];
        int[] inCount = new int[files.size()];
        int e = 0;
        for (int i = 0; i < files.size(); i++) {
            dependsOn[i] = out.get(i).stream().mapToInt(Integer::intValue).toArray();
            e += dependsOn[i].length;
            for (int t : dependsOn[i]) {
                inCount[t]++;
            }
        }
        edges = e;
        dependents = new int[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            dependents[i] = new int[inCount[i]];
        }
        int[] fill = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            for (int t : dependsOn[i]) {
                dependents[t][fill[t]++] = i;
            }
        }
    }

    public int fileCount() {
        return files.size();
    }

    public int edgeCount() {
        return edges;
    }

    public boolean contains(String file) {
        return index.containsKey(file);
    }

    public List<String> importsOf(String file) {
        Integer i = index.get(file);
        return i == null ? List.of() : Arrays.stream(dependsOn[i]).mapToObj(files::get).toList();
    }

    /** Every file that imports one of {@code changed}, directly or through others; the changed files themselves excluded. */
    public Set<String> dependentsOf(Collection<String> changed) {
        boolean[] seen = new boolean[files.size()];
        Deque<Integer> queue = new ArrayDeque<>();
        for (String c : changed) {
            Integer i = index.get(c);
            if (i != null && !seen[i]) {
                seen[i] = true;
                queue.add(i);
            }
        }
        Set<String> reached = new TreeSet<>();
        while (!queue.isEmpty()) {
            int n = queue.poll();
            for (int d : dependents[n]) {
                if (!seen[d]) {
                    seen[d] = true;
                    queue.add(d);
                    reached.add(files.get(d));
                }
            }
        }
        return reached;
    }

    /**
     * Per file that is gone from the tree (deleted, or renamed away), the files that still import it: resolved
     * with the same resolvers as if it were there, an import of theirs names it. Their import no longer finds the
     * file, so the change reaches them (and whatever depends on them) as surely as an edit of it would.
     *
     * @param gone what each gone file declared (for Java and Kotlin its package says which class it was)
     */
    public Map<String, Set<String>> importersOfGone(Map<String, ImportScan> gone) {
        Map<String, Set<String>> out = new TreeMap<>();
        Map<String, ImportScan> withGone = new HashMap<>(scans);
        List<String> candidates = new ArrayList<>(files);
        for (var g : gone.entrySet()) {
            if (!index.containsKey(g.getKey()) && ImportScan.graphLanguage(g.getKey()) != null) {
                withGone.put(g.getKey(), g.getValue());
                candidates.add(g.getKey());
            }
        }
        if (candidates.size() == files.size()) {
            return out;
        }
        Resolver resolver = new Resolver(candidates, withGone);
        for (String f : files) {
            for (String target : resolver.resolve(f, scans.get(f))) {
                if (!index.containsKey(target) && withGone.containsKey(target)) {
                    out.computeIfAbsent(target, k -> new TreeSet<>()).add(f);
                }
            }
        }
        return out;
    }

    /** Strongly connected components of more than one file (import cycles), biggest first; iterative Tarjan. */
    public List<List<String>> cycles() {
        int n = files.size();
        int[] idx = new int[n];
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(idx, -1);
        int[] stack = new int[n];
        int sp = 0;
        int counter = 0;
        List<List<String>> found = new ArrayList<>();
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        for (int root = 0; root < n; root++) {
            if (idx[root] >= 0) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = 0;
            idx[root] = low[root] = counter++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = callNode[depth];
                if (callEdge[depth] < dependsOn[v].length) {
                    int w = dependsOn[v][callEdge[depth]++];
                    if (idx[w] < 0) {
                        idx[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], idx[w]);
                    }
                    continue;
                }
                if (low[v] == idx[v]) {
                    List<String> component = new ArrayList<>();
                    int w;
                    do {
                        w = stack[--sp];
                        onStack[w] = false;
                        component.add(files.get(w));
                    } while (w != v);
                    if (component.size() > 1) {
                        component.sort(null);
                        found.add(List.copyOf(component));
                    }
                }
                depth--;
                if (depth >= 0) {
                    int parent = callNode[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
        found.sort(Comparator.comparingInt((List<String> c) -> -c.size()).thenComparing(c -> c.get(0)));
        return found;
    }

    /** Turns import strings into repository files, per language. */
    private static final class Resolver {
        private final Set<String> all;
        private final Map<String, List<String>> jvmByClass = new HashMap<>();
        private final Map<String, List<String>> jvmByPackage = new HashMap<>();
        private final Map<String, List<String>> pythonModules = new HashMap<>();
        private final Map<String, String> goModules = new TreeMap<>();
        private final Map<String, List<String>> goByDir = new HashMap<>();

        Resolver(List<String> files, Map<String, ImportScan> scans) {
            all = new TreeSet<>(files);
            for (String f : files) {
                Language lang = ImportScan.graphLanguage(f);
                ImportScan s = scans.get(f);
                if (lang == Language.JAVA || lang == Language.KOTLIN) {
                    String cls = stem(f);
                    String pkg = s.pkg() == null ? "" : s.pkg();
                    jvmByClass.computeIfAbsent(pkg.isEmpty() ? cls : pkg + "." + cls, k -> new ArrayList<>()).add(f);
                    jvmByPackage.computeIfAbsent(pkg, k -> new ArrayList<>()).add(f);
                } else if (lang == Language.PYTHON) {
                    // Every suffix of the dotted path is a name the module may be imported by (src/ layouts and the like).
                    String dotted = f.substring(0, f.length() - 3).replace('/', '.');
                    if (dotted.endsWith(".__init__")) {
                        dotted = dotted.substring(0, dotted.length() - 9);
                    } else if (dotted.equals("__init__")) {
                        continue;
                    }
                    String name = dotted;
                    while (true) {
                        pythonModules.computeIfAbsent(name, k -> new ArrayList<>()).add(f);
                        int dot = name.indexOf('.');
                        if (dot < 0) {
                            break;
                        }
                        name = name.substring(dot + 1);
                    }
                } else if (lang == Language.GO) {
                    goByDir.computeIfAbsent(dir(f), k -> new ArrayList<>()).add(f);
                }
            }
            for (var e : scans.entrySet()) {
                if (e.getKey().endsWith("go.mod") && e.getValue().pkg() != null) {
                    goModules.put(e.getValue().pkg(), dir(e.getKey()));
                }
            }
        }

        List<String> resolve(String file, ImportScan scan) {
            Language lang = ImportScan.graphLanguage(file);
            if (lang == null || scan == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            switch (lang) {
                case JAVA, KOTLIN -> jvm(scan, out);
                case PYTHON -> python(file, scan, out);
                case JAVASCRIPT, TYPESCRIPT -> javascript(file, scan, out);
                case GO -> go(scan, out);
                default -> {
                }
            }
            return out;
        }

        private void jvm(ImportScan scan, List<String> out) {
            for (String imp : scan.imports()) {
                if (imp.endsWith(".*")) {
                    String pkg = imp.substring(0, imp.length() - 2);
                    List<String> members = jvmByPackage.get(pkg);
                    if (members != null) {
                        out.addAll(members);
                    } else {
                        addAll(out, jvmByClass.get(pkg));
                    }
                    continue;
                }
                // a.b.C, a.b.C.Inner, a.b.C.method (static): the longest prefix that is a class.
                String name = imp;
                while (name != null) {
                    List<String> hit = jvmByClass.get(name);
                    if (hit != null) {
                        out.addAll(hit);
                        break;
                    }
                    int dot = name.lastIndexOf('.');
                    name = dot < 0 ? null : name.substring(0, dot);
                }
            }
            List<String> samePackage = jvmByPackage.get(scan.pkg() == null ? "" : scan.pkg());
            if (samePackage != null) {
                for (String other : samePackage) {
                    if (scan.names().contains(stem(other))) {
                        out.add(other);
                    }
                }
            }
        }

        private void python(String file, ImportScan scan, List<String> out) {
            String pkg = dir(file).replace('/', '.');
            for (String imp : scan.imports()) {
                String name = imp;
                if (imp.startsWith(".")) {
                    int dots = 0;
                    while (dots < imp.length() && imp.charAt(dots) == '.') {
                        dots++;
                    }
                    String base = pkg;
                    for (int i = 1; i < dots && !base.isEmpty(); i++) {
                        int cut = base.lastIndexOf('.');
                        base = cut < 0 ? "" : base.substring(0, cut);
                    }
                    String rest = imp.substring(dots);
                    name = base.isEmpty() ? rest : rest.isEmpty() ? base : base + "." + rest;
                }
                List<String> candidates = pythonModules.get(name);
                if (candidates != null) {
                    out.add(nearest(file, candidates));
                }
            }
        }

        private void javascript(String file, ImportScan scan, List<String> out) {
            String dir = dir(file);
            for (String spec : scan.imports()) {
                if (!spec.startsWith("./") && !spec.startsWith("../")) {
                    continue;
                }
                String base = normalise(dir.isEmpty() ? spec : dir + "/" + spec);
                if (base == null) {
                    continue;
                }
                String hit = null;
                for (String ext : JS_EXTENSIONS) {
                    if (all.contains(base + ext)) {
                        hit = base + ext;
                        break;
                    }
                }
                if (hit == null) {
                    for (String ext : JS_EXTENSIONS) {
                        if (!ext.isEmpty() && all.contains(base + "/index" + ext)) {
                            hit = base + "/index" + ext;
                            break;
                        }
                    }
                }
                if (hit == null) {
                    hit = typescriptSource(base);
                }
                if (hit != null) {
                    out.add(hit);
                }
            }
        }

        /** TypeScript sources import "./x.js" for the compiled name of ./x.ts (or .tsx), "./x.mjs" for ./x.mts. */
        private String typescriptSource(String base) {
            int dot = base.lastIndexOf('.');
            if (dot < 0 || base.indexOf('/', dot) >= 0) {
                return null;
            }
            String stem = base.substring(0, dot);
            List<String> sources = switch (base.substring(dot)) {
                case ".js" -> List.of(".ts", ".tsx");
                case ".jsx" -> List.of(".tsx");
                case ".mjs" -> List.of(".mts");
                case ".cjs" -> List.of(".cts");
                default -> List.of();
            };
            for (String ext : sources) {
                if (all.contains(stem + ext)) {
                    return stem + ext;
                }
            }
            return null;
        }

        private void go(ImportScan scan, List<String> out) {
            for (String imp : scan.imports()) {
                for (var m : goModules.entrySet()) {
                    String module = m.getKey();
                    if (imp.equals(module) || imp.startsWith(module + "/")) {
                        String sub = imp.substring(module.length());
                        String root = m.getValue();
                        String dir = root.isEmpty() ? (sub.isEmpty() ? "" : sub.substring(1)) : root + sub;
                        addAll(out, goByDir.get(dir));
                    }
                }
            }
        }

        private static void addAll(List<String> out, List<String> files) {
            if (files != null) {
                out.addAll(files);
            }
        }

        /** The candidate sharing the longest folder prefix with the importer (ties: the first by name). */
        private static String nearest(String file, List<String> candidates) {
            String best = null;
            int bestLength = -1;
            for (String c : candidates) {
                int common = 0;
                int max = Math.min(c.length(), file.length());
                while (common < max && c.charAt(common) == file.charAt(common)) {
                    common++;
                }
                if (common > bestLength || common == bestLength && c.compareTo(best) < 0) {
                    best = c;
                    bestLength = common;
                }
            }
            return best;
        }

        private static String normalise(String path) {
            Deque<String> parts = new ArrayDeque<>();
            for (String p : path.split("/")) {
                if (p.isEmpty() || p.equals(".")) {
                    continue;
                }
                if (p.equals("..")) {
                    if (parts.isEmpty()) {
                        return null;
                    }
                    parts.removeLast();
                } else {
                    parts.addLast(p);
                }
            }
            return String.join("/", parts);
        }
    }

    public static String dir(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    public static String stem(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * Per changed file, how many files depend on it (transitively): the evidence for the reach factor. One graph
     * walk per file, so for a change of many files (a whole tree) only the {@code limit} with the most direct
     * dependents are walked.
     */
    public Map<String, Integer> reachPerFile(Collection<String> changed, int limit) {
        List<String> candidates = new TreeSet<>(changed).stream().filter(this::contains)
                .sorted(Comparator.comparingInt((String c) -> -dependents[index.get(c)].length).thenComparing(c -> c))
                .limit(limit).toList();
        Map<String, Integer> per = new LinkedHashMap<>();
        for (String c : candidates) {
            per.put(c, dependentsOf(List.of(c)).size());
        }
        return per;
    }
}
