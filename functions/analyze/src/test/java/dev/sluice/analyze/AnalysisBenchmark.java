package dev.sluice.analyze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import dev.sluice.analyze.imports.ImportGraph;
import dev.sluice.analyze.lines.Cloc;
import dev.sluice.analyze.lines.LineCount;
import dev.sluice.analyze.secrets.SecretScan;

/**
 * The speed benchmark (not part of {@code verify}; run {@code functions/analyze/bench/run.sh}). Builds a
 * repository of at least 500,000 lines itself (generated, seeded: the same on every machine), then measures
 * (1) analysing it from a cold cache (fetch into an empty git cache, nothing counted yet) and (2) a 20-file
 * push with a warm cache, and times cloc on the same tree. Prints one line per figure.
 */
public final class AnalysisBenchmark {
    static final int FILES = 2_600;
    static final int WARM_RUNS = 7;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("sluice-bench");
        try {
            Path source = work.resolve("source");
            long t0 = System.nanoTime();
            Generated g = generate(source);
            System.out.printf(Locale.ROOT, "generated: %d files, %d lines, in %d ms%n", g.files, g.lines, ms(t0));

            RepositoryCache cache = new RepositoryCache();
            cache.cacheDir = work.resolve("cache").toString();
            TreeCache trees = TreeCache.of(200_000, 500_000);

            // (1) cold: empty git cache, nothing counted
            long c0 = System.nanoTime();
            long cpu0 = cpu();
            RepositoryCache.Cached cold = cache.repositoryWith(source.toString(), "refs/heads/main", g.head, null);
            long fetchMs = ms(c0);
            long fetchCpu = cpu() - cpu0;
            long m0 = System.nanoTime();
            long cpu1 = cpu();
            Measurement m = Measure.of(cold.repository(), null, "benchmark", g.head, trees, cold.fetch());
            long measureMs = ms(m0);
            long measureCpu = cpu() - cpu1;
            System.out.printf(Locale.ROOT, "cold: fetch %d ms (cpu %d ms, %d objects), measure %d ms (cpu %d ms), total %d ms;"
                    + " %d code lines, graph %d files %d edges%n",
                    fetchMs, fetchCpu, cold.fetch().objectsReceived(), measureMs, measureCpu, fetchMs + measureMs,
                    m.languages().values().stream().mapToLong(LineCount::code).sum(), m.graph().files(), m.graph().edges());

            // (2) warm: a 20-file push onto the same repository, cache warm
            long[] warm = new long[WARM_RUNS];
            long[] warmMeasure = new long[WARM_RUNS];
            long[] warmCpu = new long[WARM_RUNS];
            String before = g.head;
            for (int i = 0; i < WARM_RUNS; i++) {
                String after = twentyFilePush(source, g, i);
                long w0 = System.nanoTime();
                long wc = cpu();
                RepositoryCache.Cached c = cache.repositoryWith(source.toString(), "refs/heads/main", after, before);
                long w1 = System.nanoTime();
                Measurement wm = Measure.of(c.repository(), before, null, after, trees, c.fetch());
                warm[i] = ms(w0);
                warmCpu[i] = cpu() - wc;
                warmMeasure[i] = (System.nanoTime() - w1) / 1_000_000;
                if (wm.files().size() != 20) {
                    throw new IllegalStateException("expected 20 changed files, got " + wm.files().size());
                }
                before = after;
            }
            System.out.printf(Locale.ROOT, "warm 20-file push: median %d ms (fetch + measure; cpu %d ms), measure alone median %d ms, all %s%n",
                    median(warm), median(warmCpu), median(warmMeasure), Arrays.toString(warm));

            secretScanOfATwentyFilePush(source, g, before);

            // a second cold analysis in the same JVM (empty caches, JIT warm): the steady-state figure
            RepositoryCache cache2 = new RepositoryCache();
            cache2.cacheDir = work.resolve("cache2").toString();
            TreeCache trees2 = TreeCache.of(200_000, 500_000);
            long s0 = System.nanoTime();
            long sc0 = cpu();
            RepositoryCache.Cached again = cache2.repositoryWith(source.toString(), "refs/heads/main", before, null);
            long s1 = System.nanoTime();
            long sc1 = cpu();
            Measure.of(again.repository(), null, "benchmark", before, trees2, again.fetch());
            System.out.printf(Locale.ROOT, "cold again (JIT warm): fetch %d ms (cpu %d ms), measure %d ms (cpu %d ms), total %d ms%n",
                    (s1 - s0) / 1_000_000, sc1 - sc0, ms(s1), cpu() - sc1, ms(s0));
            breakdown(again.repository(), before);
            cache.close();
            cache2.close();

            long k0 = System.nanoTime();
            long[] clocCpu = new long[1];
            int rc = cloc(source, clocCpu);
            System.out.printf(Locale.ROOT, "cloc %s on the same tree: %d ms (cpu %d ms, exit %d)%n", clocVersion(), ms(k0),
                    clocCpu[0], rc);
            System.out.printf(Locale.ROOT, "load average during the run: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Generated(int files, long lines, String head, List<String> paths) {
    }

    /** A repository of Java, Python, TypeScript, Go, YAML and Markdown files that import each other. */
    static Generated generate(Path dir) throws Exception {
        Random random = new Random(20261122);
        Files.createDirectories(dir);
        long lines = 0;
        List<String> paths = new ArrayList<>();
        Files.writeString(dir.resolve("go.mod"), "module example.com/bench\n\ngo 1.22\n");
        for (int i = 0; i < FILES; i++) {
            int pkg = i % 40;
            String path;
            StringBuilder s = new StringBuilder();
            int body = 150 + random.nextInt(100);
            // each source file imports the file ten ahead: the same language, another package, one long chain
            int next = (i + 10) % FILES;
            switch (i % 10) {
                case 0, 1, 2, 3 -> {
                    path = "java/src/main/java/bench/p" + pkg + "/C" + i + ".java";
                    s.append("package bench.p").append(pkg).append(";\n\n");
                    s.append("import bench.p").append(next % 40).append(".C").append(next).append(";\n");
                    s.append("import java.util.List;\n\n/**\n * Generated class ").append(i).append(".\n */\npublic class C").append(i).append(" {\n");
                    for (int l = 0; l < body; l++) {
                        s.append(l % 9 == 0 ? "    // step " + l + "\n" : l % 13 == 0 ? "\n" : "    int f" + l + " = " + random.nextInt(1000) + ";\n");
                    }
                    s.append("}\n");
                }
                case 4, 5 -> {
                    path = "py/bench/m" + pkg + "/mod" + i + ".py";
                    s.append("\"\"\"Module ").append(i).append(".\"\"\"\nimport os\nfrom bench.m").append(next % 40)
                            .append(" import mod").append(next).append("\n\n");
                    for (int l = 0; l < body; l++) {
                        s.append(l % 7 == 0 ? "# note " + l + "\n" : l % 11 == 0 ? "\n" : "v" + l + " = " + random.nextInt(1000) + "\n");
                    }
                }
                case 6, 7 -> {
                    path = "web/src/c" + pkg + "/f" + i + ".ts";
                    s.append("import { x } from '../c").append(next % 40).append("/f").append(next).append("';\n\n");
                    for (int l = 0; l < body; l++) {
                        s.append(l % 8 == 0 ? "/* block " + l + " */\n" : l % 12 == 0 ? "\n" : "export const v" + l + " = " + random.nextInt(1000) + ";\n");
                    }
                }
                case 8 -> {
                    path = "go/internal/g" + pkg + "/g" + i + ".go";
                    s.append("package g").append(pkg).append("\n\nimport (\n\t\"fmt\"\n\t\"example.com/bench/go/internal/g").append(next % 40).append("\"\n)\n\n");
                    for (int l = 0; l < body; l++) {
                        s.append(l % 6 == 0 ? "// comment " + l + "\n" : l % 10 == 0 ? "\n" : "var v" + i + "_" + l + " = " + random.nextInt(1000) + "\n");
                    }
                }
                default -> {
                    path = i % 20 == 9 ? "deploy/k8s/svc" + i + ".yaml" : "docs/d" + pkg + "/page" + i + ".md";
                    for (int l = 0; l < body; l++) {
                        s.append(path.endsWith(".yaml") ? (l % 5 == 0 ? "# c\n" : "key" + l + ": " + random.nextInt(1000) + "\n")
                                : (l % 6 == 0 ? "\n" : "Line " + l + " of page " + i + ".\n"));
                    }
                }
            }
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            String text = s.toString();
            Files.writeString(p, text);
            lines += text.chars().filter(c -> c == '\n').count();
            paths.add(path);
        }
        if (lines < 500_000) {
            throw new IllegalStateException("generated only " + lines + " lines");
        }
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.getRepository().getConfig().setBoolean("uploadpack", null, "allowAnySHA1InWant", true);
            git.getRepository().getConfig().save();
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Bench", "bench@sluice.dev", 1_700_000_000_000L, 0);
            String head = git.commit().setMessage("generated").setAuthor(who).setCommitter(who).call().getName();
            // A hosted remote serves from packed objects (deltas already found); so does this one, packed once here.
            git.gc().call();
            return new Generated(paths.size(), lines, head, paths);
        }
    }

    /** Changes 20 files spread over the tree (an added line each) and commits them. */
    static String twentyFilePush(Path dir, Generated g, int round) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            for (int k = 0; k < 20; k++) {
                String path = g.paths.get((k * 127 + round * 31) % g.paths.size());
                Path p = dir.resolve(path);
                String comment = path.endsWith(".py") || path.endsWith(".yaml") ? "# " : path.endsWith(".md") ? "" : "// ";
                Files.writeString(p, Files.readString(p) + comment + "change " + round + "\n");
                git.add().addFilepattern(path).call();
            }
            PersonIdent who = new PersonIdent("Bench", "bench@sluice.dev", 1_700_000_000_000L + round * 1000L, 0);
            return git.commit().setMessage("push " + round).setAuthor(who).setCommitter(who).call().getName();
        }
    }

    /** Config lines a pushed file might hold: secret words, links, placeholders, but no secret. */
    static final String CONFIG_LINES = """
            # settings
            api_url: https://api.example.com/v1/orders?page=1
            auth_header: Authorization
            timeout_key: request.timeout
            password: ${DB_PASSWORD}
            cache_key: "user:{id}:profile"
            token_ttl: 3600
            """;

    /**
     * The secret scan of a 20-file push: 20 new files (copies of generated ones of each language, each with a few
     * config lines) read as a push is read (the diff with ChangeReader's keyword prefilter), then scanned. Median of
     * {@link #WARM_RUNS} pushes, the JIT warm.
     */
    static void secretScanOfATwentyFilePush(Path dir, Generated g, String before) throws Exception {
        long[] read = new long[WARM_RUNS];
        long[] scan = new long[WARM_RUNS];
        long[] readCpu = new long[WARM_RUNS];
        long[] scanCpu = new long[WARM_RUNS];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int lines = 0;
        int kept = 0;
        try (Git git = Git.open(dir.toFile())) {
            String base = before;
            for (int round = 0; round < WARM_RUNS; round++) {
                for (int k = 0; k < 20; k++) {
                    String path = g.paths.get((k * 131 + round * 17) % g.paths.size());
                    String copy = "pushed/r" + round + "/" + k + "-" + path.substring(path.lastIndexOf('/') + 1);
                    Path p = dir.resolve(copy);
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, Files.readString(dir.resolve(path)) + CONFIG_LINES);
                    git.add().addFilepattern(copy).call();
                }
                PersonIdent who = new PersonIdent("Bench", "bench@sluice.dev", 1_700_100_000_000L + round * 1000L, 0);
                String head = git.commit().setMessage("secrets push " + round).setAuthor(who).setCommitter(who).call().getName();
                long t = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                Change change = ChangeReader.read(git.getRepository(), base, null, head);
                read[round] = System.nanoTime() - t;
                readCpu[round] = threads.getCurrentThreadCpuTime() - c;
                t = System.nanoTime();
                c = threads.getCurrentThreadCpuTime();
                SecretScan.findings(change.addedLines());
                scan[round] = System.nanoTime() - t;
                scanCpu[round] = threads.getCurrentThreadCpuTime() - c;
                lines = change.files().stream().mapToInt(ChangedFile::added).sum();
                kept = change.addedLines().size();
                base = head;
            }
        }
        System.out.printf(Locale.ROOT, "secret scan of a 20-file push (%d added lines, %d kept by the keyword prefilter): diff and"
                + " prefilter median %.2f ms (thread cpu %.2f ms), scan median %.2f ms (thread cpu %.2f ms)%n", lines, kept,
                median(read) / 1e6, median(readCpu) / 1e6, median(scan) / 1e6, median(scanCpu) / 1e6);
    }

    /** Where the time of a whole-tree measurement goes, step by step (fresh caches, JIT warm). */
    static void breakdown(org.eclipse.jgit.lib.Repository repo, String head) throws Exception {
        TreeCache fresh = TreeCache.of(200_000, 500_000);
        var commit = dev.sluice.git.GitRepositories.commit(repo, head);
        long t = System.nanoTime();
        Change change = ChangeReader.read(repo, null, "x", head);
        long diff = ms(t);
        t = System.nanoTime();
        try (var reader = repo.newObjectReader()) {
            fresh.counts().count(reader, commit.getTree());
            long count = ms(t);
            t = System.nanoTime();
            var scans = fresh.importScans(reader, commit.getTree());
            long scan = ms(t);
            t = System.nanoTime();
            ImportGraph graph = new ImportGraph(scans);
            graph.cycles();
            graph.dependentsOf(List.of(graph.importsOf(scans.keySet().iterator().next()).isEmpty() ? "" : ""));
            long g = ms(t);
            t = System.nanoTime();
            long c = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            SecretScan.findings(change.addedLines());
            long secrets = ms(t);
            long secretsCpu = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c) / 1_000_000;
            t = System.nanoTime();
            dev.sluice.manifest.ManifestSet.read(repo, head, dev.sluice.settings.SluiceSettings.DEFAULT_MANIFESTS);
            long manifests = ms(t);
            System.out.printf(Locale.ROOT, "breakdown: diff %d ms (%d added lines kept), count %d ms, import scan %d ms, graph %d ms,"
                    + " secrets %d ms (thread cpu %d ms), manifests %d ms%n",
                    diff, change.addedLines().size(), count, scan, g, secrets, secretsCpu, manifests);
        }
    }

    /** Runs cloc under /usr/bin/time semantics: its CPU time is read from the process handle. */
    private static int cloc(Path dir, long[] cpuMs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Cloc.command("--quiet", "--json", "--timeout", "0", "--skip-uniqueness", dir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle handle = p.toHandle();
        long cpu = 0;
        while (!p.waitFor(5, TimeUnit.MILLISECONDS)) {
            cpu = handle.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(cpu);
        }
        cpuMs[0] = cpu;
        return p.exitValue();
    }

    /** CPU time of this process (all threads, JIT and GC included), in ms: steadier than wall time on a busy machine. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static String clocVersion() {
        try {
            Process p = new ProcessBuilder(Cloc.command("--version")).start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "(not installed)";
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

}
