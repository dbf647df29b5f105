package dev.sluice.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.local.e2e.ChaosRepositories.Push;
import dev.sluice.local.e2e.ChaosVerdict.ReleaseRecord;
import dev.sluice.local.e2e.ChaosVerdict.RunRecord;
import dev.sluice.local.e2e.ChaosVerdict.Step;

/**
 * The chaos test (issue 12): many real repositories and branches, chains of pushes (some forced) delivered to the
 * packaged local pipeline's broker concurrently, reordered and 20% duplicated (some of the duplicates at the same
 * moment), while the process is SIGKILLed twice and its embedded PostgreSQL once. When the pipeline has settled it
 * judges what the API shows ({@link ChaosVerdict}): 0 lost, 0 doubled, 0 stuck, valid transition paths, no older
 * commit deployed after a newer one, every environment on its branch's tip.
 *
 * <p>Size and pace by system property: {@code sluice.chaos.pushes} (200), {@code sluice.chaos.repositories}
 * (pushes / 50, at least 2; 4 branches each), {@code sluice.chaos.rate} (pushes sent per second, 6),
 * {@code sluice.chaos.seed} (random), {@code sluice.chaos.sluice-kills} (2), {@code sluice.chaos.postgres-kills} (1),
 * {@code sluice.chaos.settle-seconds} (one per push, at least 300). {@code local/bench/chaos.sh} runs the full size.
 */
class ChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final double DUPLICATE_SHARE = 0.2;
    private static final double FORCE_SHARE = 0.06;
    private static final Duration POSTGRES_RECOVERY_LIMIT = Duration.ofSeconds(60);
    /** Nothing changed for this long while runs are still open: what is left is stuck. */
    private static final Duration QUIET = Duration.ofSeconds(45);

    private final int pushes = Integer.getInteger("sluice.chaos.pushes", 200);
    private final int repositories = Integer.getInteger("sluice.chaos.repositories", Math.max(2, pushes / 50));
    private final double rate = Double.parseDouble(System.getProperty("sluice.chaos.rate", "6"));
    private final long seed = Long.getLong("sluice.chaos.seed", System.nanoTime());
    private final int sluiceKills = Integer.getInteger("sluice.chaos.sluice-kills", 2);
    private final int postgresKills = Integer.getInteger("sluice.chaos.postgres-kills", 1);
    private final Duration settleLimit = Duration.ofSeconds(Integer.getInteger("sluice.chaos.settle-seconds", Math.max(300, pushes)));

    private Path dataDir;
    private volatile LocalProcess pipeline;
    private String base;

    // figures
    private final AtomicInteger accepted = new AtomicInteger();
    /** Re-sends by what refused the delivery: "connection error", "HTTP 503", ... */
    private final Map<String, AtomicInteger> resent = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicLong lastAcceptedNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> deliveryProblems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> recoveryProblems = new ConcurrentLinkedQueue<>();
    private final List<String> chaosLog = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sluiceKillsDone = new AtomicInteger();
    private final AtomicInteger postgresKillsDone = new AtomicInteger();

    /** One delivery of a push to the broker: the push itself or a duplicate (same ce-id and source). */
    private record Delivery(Push push, boolean duplicate, CyclicBarrier together, boolean withNext) {
    }

    @Test
    void chainsOfPushesDeliveredConcurrentlyReorderedAndDuplicatedThroughKillsEndOnEachBranchTipWithNothingLostDoubledOrStuck()
            throws Exception {
        Random random = new Random(seed);
        dataDir = Files.createTempDirectory("sluice-chaos").resolve("data");
        String runTag = Long.toString(Math.abs(seed) % 1296, 36);
        long t0 = System.nanoTime();
        try (ChaosRepositories repos = ChaosRepositories.create(PipelineIT.examplePath(), repositories, pushes, FORCE_SHARE, random, runTag)) {
            System.out.printf("chaos: seed %d, %d pushes over %d repositories and %d branches (%d forced), made in %d ms; data %s%n",
                    seed, repos.allPushes().size(), repos.repos.size(), repos.repos.size() * ChaosRepositories.BRANCHES.size(),
                    repos.forcePushes, (System.nanoTime() - t0) / 1_000_000, dataDir);
            // assigned before start(), so that the finally block ends a process that never got ready too
            pipeline = new LocalProcess(dataDir);
            pipeline.start();
            base = pipeline.base();

            List<Delivery> plan = plan(repos, random);
            int duplicates = (int) plan.stream().filter(Delivery::duplicate).count();
            int concurrentDuplicates = (int) plan.stream().filter(d -> d.duplicate() && d.together() != null).count();
            int reorderings = reorderings(plan);

            long sendStart = System.nanoTime();
            deliver(plan, random);
            long sendMs = (System.nanoTime() - sendStart) / 1_000_000;

            long settleStart = System.nanoTime();
            String settled = awaitSettled(repos.allPushes().size());
            long settleMs = (System.nanoTime() - Math.max(settleStart, lastAcceptedNanos.get())) / 1_000_000;

            List<RunRecord> runs = runs();
            Map<String, List<ReleaseRecord>> releases = releases(repos);
            ChaosVerdict verdict = new ChaosVerdict(repos, runs, releases).judge();
            deliveryProblems.forEach(p -> verdict.violations.add(new ChaosVerdict.Violation("delivery", p)));
            recoveryProblems.forEach(p -> verdict.violations.add(new ChaosVerdict.Violation("no recovery", p)));

            StringBuilder f = new StringBuilder();
            f.append(String.format("chaos figures (seed %d):%n", seed));
            f.append(String.format("  pushes %d (%d forced) over %d repositories and %d branches; deliveries %d: duplicates %d (%d concurrent),"
                    + " reorderings %d; sent in %d ms at ~%.1f/s%n", repos.allPushes().size(), repos.forcePushes, repos.repos.size(),
                    repos.repos.size() * ChaosRepositories.BRANCHES.size(), plan.size(), duplicates, concurrentDuplicates, reorderings,
                    sendMs, rate));
            f.append(String.format("  re-sent (as a broker would) after: %s%n", resent.isEmpty() ? "nothing" : resent));
            f.append(String.format("  kills: %d of the process, %d of PostgreSQL%n", sluiceKillsDone.get(), postgresKillsDone.get()));
            chaosLog.forEach(line -> f.append("    ").append(line).append('\n'));
            f.append(String.format("  settled: %s, %d ms after the last push was accepted%n", settled, settleMs));
            f.append(String.format("  runs %d by state %s%n", runs.size(), verdict.runsByState()));
            f.append(String.format("  releases verified %d over %d environments%n", releases.values().stream()
                    .mapToLong(l -> l.stream().filter(x -> "VERIFIED".equals(x.outcome())).count()).sum(), releases.size()));
            f.append(String.format("  violations %d: %s%n", verdict.violations.size(), countsWithDelivery(verdict)));
            verdict.violations.forEach(v -> f.append("    ").append(v).append('\n'));
            String figures = f.toString();
            System.out.print(figures);
            Path out = Path.of("target", "chaos");
            Files.createDirectories(out);
            Files.writeString(out.resolve("figures-" + repos.allPushes().size() + ".txt"), figures);

            assertThat(verdict.violations).as("chaos invariants (seed %d; log %s)", seed, dataDir.resolveSibling("data-" + pipeline.port() + ".log"))
                    .isEmpty();
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    private static Map<String, Integer> countsWithDelivery(ChaosVerdict verdict) {
        Map<String, Integer> counts = new LinkedHashMap<>(verdict.counts());
        counts.putIfAbsent("delivery", 0);
        counts.putIfAbsent("no recovery", 0);
        return counts;
    }

    // ---- the plan: reordered chains, interleaved, with duplicates ------------------------------------

    private List<Delivery> plan(ChaosRepositories repos, Random random) {
        List<List<Push>> branches = new ArrayList<>();
        for (var repo : repos.repos) {
            for (List<Push> chain : repo.pushes.values()) {
                List<Push> order = new ArrayList<>(chain);
                for (int i = 0; i + 1 < order.size(); i++) {
                    double dice = random.nextDouble();
                    if (dice < 0.05 && i + 2 < order.size()) {
                        // C, A, B: the newest of three first
                        order.add(i, order.remove(i + 2));
                        i += 2;
                    } else if (dice < 0.15) {
                        Collections.swap(order, i, i + 1);
                        i++;
                    }
                }
                branches.add(order);
            }
        }
        // branches interleaved at random, each taking its turn with a burst of 1 to 3 pushes sent at once; a branch's
        // last 2 or 3 pushes go together in a shuffled burst, so that the race for its tip is run at the end, where
        // no later push can hide a wrong winner
        List<Delivery> plan = new ArrayList<>();
        List<List<Push>> open = new ArrayList<>(branches.stream().map(ArrayList::new).toList());
        while (!open.isEmpty()) {
            int b = random.nextInt(open.size());
            List<Push> rest = open.get(b);
            double dice = random.nextDouble();
            int burst = dice < 0.5 ? 1 : dice < 0.8 ? 2 : 3;
            if (rest.size() <= 3) {
                burst = rest.size();
                Collections.shuffle(rest, random);
            } else if (rest.size() - burst < 2) {
                burst = rest.size() - 2;
            }
            for (int i = 0; i < burst && !open.get(b).isEmpty(); i++) {
                plan.add(new Delivery(open.get(b).remove(0), false, null, i + 1 < burst && open.get(b).size() > 0));
            }
            if (open.get(b).isEmpty()) {
                open.remove(b);
            }
        }
        List<Push> distinct = plan.stream().map(Delivery::push).toList();
        List<Push> toDuplicate = new ArrayList<>(distinct);
        Collections.shuffle(toDuplicate, random);
        for (Push p : toDuplicate.subList(0, (int) Math.round(distinct.size() * DUPLICATE_SHARE))) {
            int at = indexOf(plan, p);
            if (random.nextBoolean()) {
                // the same delivery twice at the same moment, as a broker retrying a slow answer would
                CyclicBarrier together = new CyclicBarrier(2);
                boolean burstGoesOn = plan.get(at).withNext();
                plan.set(at, new Delivery(p, false, together, true));
                plan.add(at + 1, new Delivery(p, true, together, burstGoesOn));
            } else {
                // later, earlier or inside a burst: a broker redelivers whenever it likes
                int where = random.nextInt(plan.size() + 1);
                plan.add(where, new Delivery(p, true, null, where > 0 && plan.get(where - 1).withNext()));
            }
        }
        return plan;
    }

    private static int indexOf(List<Delivery> plan, Push p) {
        for (int i = 0; i < plan.size(); i++) {
            if (!plan.get(i).duplicate() && plan.get(i).push() == p) {
                return i;
            }
        }
        throw new IllegalStateException("not planned: " + p);
    }

    /** Pairs of pushes of one branch sent newer first (first deliveries only). */
    private static int reorderings(List<Delivery> plan) {
        Map<String, List<Integer>> sent = new HashMap<>();
        for (Delivery d : plan) {
            if (!d.duplicate()) {
                sent.computeIfAbsent(d.push().repo().name + d.push().branch(), k -> new ArrayList<>()).add(d.push().index());
            }
        }
        int inversions = 0;
        for (List<Integer> order : sent.values()) {
            for (int i = 0; i < order.size(); i++) {
                for (int j = i + 1; j < order.size(); j++) {
                    if (order.get(i) > order.get(j)) {
                        inversions++;
                    }
                }
            }
        }
        return inversions;
    }

    // ---- delivery under chaos --------------------------------------------------------------------

    private void deliver(List<Delivery> plan, Random random) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        ExecutorService chaos = Executors.newSingleThreadExecutor();
        List<Future<?>> sent = new ArrayList<>();
        // by the deliveries accepted, so each blow lands on a pipeline that took the last one: the process at 30% and
        // 75%, PostgreSQL at 50%
        List<Map.Entry<Integer, Runnable>> blows = new ArrayList<>();
        if (sluiceKills > 0) {
            blows.add(Map.entry(plan.size() * 3 / 10, this::killSluice));
        }
        if (postgresKills > 0) {
            blows.add(Map.entry(plan.size() / 2, this::killPostgres));
        }
        if (sluiceKills > 1) {
            blows.add(Map.entry(plan.size() * 3 / 4, this::killSluice));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds((long) (plan.size() / rate) + 600).toNanos();
        Future<?> chaosDone = chaos.submit(() -> {
            for (var blow : blows) {
                while (accepted.get() < blow.getKey() && System.nanoTime() < deadline) {
                    LocalProcess.sleep(20);
                }
                blow.getValue().run();
            }
        });
        try {
            int burst = 0;
            for (Delivery d : plan) {
                sent.add(senders.submit(() -> send(d, deadline)));
                burst++;
                if (!d.withNext()) {
                    // exponential gaps between bursts, the mean keeping the rate
                    LocalProcess.sleep((long) (-Math.log(1 - random.nextDouble()) * 1000 * burst / rate));
                    burst = 0;
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
            chaosDone.get();
        } finally {
            senders.shutdownNow();
            chaos.shutdownNow();
        }
    }

    /** Posts one delivery, re-sending (as a broker or a forge would) after a refusal with 5xx or no answer. */
    private void send(Delivery d, long deadline) {
        if (d.together() != null) {
            try {
                d.together().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the other half is late: send anyway
            }
        }
        Push p = d.push();
        long backoff = 100;
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/broker")).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json").header("ce-specversion", "1.0").header("ce-id", p.eventId())
                        .header("ce-type", "dev.sluice.push").header("ce-source", "/chaos")
                        .POST(HttpRequest.BodyPublishers.ofString(p.json()));
                // harmless where the ingress asks for none; needed if it is ever guarded like the API
                token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
                HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    accepted.incrementAndGet();
                    lastAcceptedNanos.set(System.nanoTime());
                    return;
                }
                if (r.statusCode() >= 500 || r.statusCode() == 404 || r.statusCode() == 408 || r.statusCode() == 429) {
                    resent.computeIfAbsent("HTTP " + r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                } else {
                    deliveryProblems.add("push " + p + (d.duplicate() ? " (duplicate)" : "") + " refused with " + r.statusCode() + ": " + r.body());
                    return;
                }
            } catch (IOException e) {
                resent.computeIfAbsent("connection error", k -> new AtomicInteger()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LocalProcess.sleep(backoff);
            backoff = Math.min(2000, backoff * 2);
        }
        deliveryProblems.add("push " + p + (d.duplicate() ? " (duplicate)" : "") + " not accepted before the delivery deadline");
    }

    /** SIGKILL of the Java process (and what it leaves), then a start on the same data folder and port. */
    private void killSluice() {
        if (sluiceKillsDone.get() >= sluiceKills) {
            return;
        }
        sluiceKillsDone.incrementAndGet();
        long t = System.nanoTime();
        LocalProcess old = pipeline;
        old.kill();
        pipeline = new LocalProcess(dataDir, old.port());
        pipeline.start();
        chaosLog.add(String.format("process SIGKILLed after %d accepted deliveries; ready again after %d ms", accepted.get(),
                (System.nanoTime() - t) / 1_000_000));
    }

    /** SIGKILL of the embedded PostgreSQL's postmaster; local must start it again by itself. */
    private void killPostgres() {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            chaosLog.add("PostgreSQL not killed: cannot read " + pidFile + ": " + e);
            return;
        }
        postgresKillsDone.incrementAndGet();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long t = System.nanoTime();
        int acceptedAtKill = accepted.get();
        long deadline = t + POSTGRES_RECOVERY_LIMIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            LocalProcess.sleep(250);
            try {
                HttpResponse<String> r = api("/runs?size=1");
                if (r.statusCode() == 200 && accepted.get() > acceptedAtKill) {
                    chaosLog.add(String.format("PostgreSQL (pid %d) SIGKILLed after %d accepted deliveries; API and broker answering again after %d ms",
                            pid, acceptedAtKill, (System.nanoTime() - t) / 1_000_000));
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
        }
        recoveryProblems.add("PostgreSQL (pid " + pid + ") SIGKILLed: the pipeline did not recover within " + POSTGRES_RECOVERY_LIMIT.toSeconds()
                + " s (last answer of GET /runs: " + abbreviate(last) + "); the process is killed and restarted to go on");
        chaosLog.add("PostgreSQL (pid " + pid + ") SIGKILLed after " + acceptedAtKill + " accepted deliveries: not recovered within "
                + POSTGRES_RECOVERY_LIMIT.toSeconds() + " s");
        // go on with the next process kill now, so the rest of the test still judges the ordering
        killSluice();
    }

    // ---- settling and reading the outcome ---------------------------------------------------------

    /** Waits until every push has a run and every run is final, or nothing changed for {@link #QUIET}, or the limit. */
    private String awaitSettled(int distinctPushes) {
        long deadline = System.nanoTime() + settleLimit.toNanos();
        String lastSignature = null;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            try {
                long total = json(api("/runs?size=1")).path("total").asLong();
                long open = 0;
                for (String state : List.of("RECEIVED", "ANALYZING", "VALIDATING", "AWAITING_APPROVAL", "QUEUED", "DEPLOYING")) {
                    open += json(api("/runs?size=1&state=" + state)).path("total").asLong();
                }
                if (total >= distinctPushes && open == 0) {
                    return "all " + total + " runs final";
                }
                String signature = total + "/" + open;
                if (!signature.equals(lastSignature)) {
                    lastSignature = signature;
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > QUIET.toNanos()) {
                    return "no change for " + QUIET.toSeconds() + " s with " + open + " of " + total + " runs open";
                }
            } catch (IOException | RuntimeException e) {
                lastSignature = "unreadable: " + e;
            }
            LocalProcess.sleep(1000);
        }
        return "NOT settled within " + settleLimit.toSeconds() + " s (" + lastSignature + ")";
    }

    private List<RunRecord> runs() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int page = 0;; page++) {
            JsonNode list = json(api("/runs?size=200&page=" + page));
            list.path("items").forEach(item -> ids.add(item.path("id").asText()));
            if (list.path("items").size() < 200) {
                break;
            }
        }
        List<RunRecord> runs = new ArrayList<>();
        for (String id : ids) {
            JsonNode r = json(api("/runs/" + id));
            List<Step> steps = new ArrayList<>();
            r.path("transitions").forEach(t -> steps.add(new Step(t.path("from").isNull() || t.path("from").isMissingNode() ? null
                    : t.path("from").asText(), t.path("to").asText(), Instant.parse(t.path("at").asText()))));
            runs.add(new RunRecord(id, r.path("repository").asText(), r.path("ref").asText(), r.path("sha").asText(),
                    r.path("state").asText(), text(r, "environment"), text(r, "reason"), steps));
        }
        return runs;
    }

    private Map<String, List<ReleaseRecord>> releases(ChaosRepositories repos) throws IOException {
        Map<String, List<ReleaseRecord>> out = new HashMap<>();
        for (var repo : repos.repos) {
            for (String branch : repo.pushes.keySet()) {
                String env = repo.environment(branch);
                HttpResponse<String> r = api("/environments/" + env + "/releases?limit=500");
                List<ReleaseRecord> list = new ArrayList<>();
                if (r.statusCode() == 200) {
                    for (JsonNode x : JSON.readTree(r.body()).path("items")) {
                        list.add(new ReleaseRecord(x.path("id").asText(), env, x.path("number").asInt(), x.path("kind").asText(),
                                x.path("runId").asText(), x.path("sha").asText(), x.path("outcome").asText(),
                                x.hasNonNull("verifiedAt") ? Instant.parse(x.path("verifiedAt").asText()) : null));
                    }
                } else if (r.statusCode() != 404) {
                    throw new IllegalStateException("GET releases of " + env + ": " + r.statusCode() + " " + r.body());
                }
                out.put(env, list);
            }
        }
        return out;
    }

    /** An API call, with the admin token of the data folder when local wrote one. */
    private HttpResponse<String> api(String path) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
        token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The admin token local keeps in its data folder, once it wrote one (re-read: a restart must keep it). */
    private java.util.Optional<String> token() throws IOException {
        Path token = dataDir.resolve("admin-token");
        return Files.exists(token) ? java.util.Optional.of(Files.readString(token).trim()) : java.util.Optional.empty();
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        return JSON.readTree(r.body());
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : null;
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
