package dev.sluice.route;

import static dev.sluice.route.RouteTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.events.EventTypes;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransition;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * The ordering promise, tried at random: chains of pushes to one branch of a real git repository (some with a forced
 * push), delivered in a random order, a fifth of them twice (same id), concurrently, while the stages answer at
 * random moments. Whatever the order: an older run never supersedes a newer one, at most one run of the branch deploys
 * at a time, the environment never verifies a commit older than one it verified before, and it ends on the tip.
 * Each trial prints its seed; {@code -Dsluice.order.seed=N} replays one.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PushOrderPropertyTest {
    private static final Pattern OTHER_RUN = Pattern.compile("run ([0-9a-f-]{36})");

    /** A push as the forge sent it: its place in the ref's history, the commit before and after. */
    record Push(int index, String before, String after, String eventId) {
    }

    @Test
    void anyDeliveryOrderOfAChainOfPushesEndsOnTheTipAndNeverDeploysOlderAfterNewer() throws Exception {
        String fixed = System.getProperty("sluice.order.seed");
        int trials = fixed != null ? 1 : Integer.getInteger("sluice.order.trials", 24);
        long base = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        for (int t = 0; t < trials; t++) {
            long seed = fixed != null ? base : base + t;
            System.out.println("PushOrderPropertyTest trial " + t + " seed " + seed);
            trial(seed);
        }
    }

    @Test
    void pushesWithoutBeforeDeliveredCThenAThenBAreOrderedByGitSoTheTipIsTheOneAnalysed() {
        try (TestRepository repo = TestRepository.create()) {
            String a = repo.commit("a", Map.of("a.txt", "a"));
            String b = repo.commit("b", Map.of("b.txt", "b"));
            String c = repo.commit("c", Map.of("c.txt", "c"));
            // curl-posted pushes name no 'before': only the commits can order them
            assertThat(deliver(repo.url(), new Push(2, null, c, UUID.randomUUID().toString()))).isEqualTo(200);
            assertThat(deliver(repo.url(), new Push(0, null, a, UUID.randomUUID().toString()))).isEqualTo(200);
            assertThat(deliver(repo.url(), new Push(1, null, b, UUID.randomUUID().toString()))).isEqualTo(200);
            Map<String, Run> bySha = new HashMap<>();
            QuarkusTransaction.requiringNew().call(() -> Run.<Run> list("repositoryUrl = ?1", repo.url()))
                    .forEach(r -> bySha.put(r.afterSha, r));
            assertThat(bySha.get(c).state).isEqualTo(RunState.ANALYZING);
            assertThat(bySha.get(a).state).isEqualTo(RunState.SUPERSEDED);
            assertThat(bySha.get(a).stateReason).contains("older than run " + bySha.get(c).id).contains("descends from");
            assertThat(bySha.get(b).state).isEqualTo(RunState.SUPERSEDED);
        }
    }

    @Test
    void aPushTwoForcedPushesAgoArrivingAfterTheTipIsOlderByTheBranchTip() throws Exception {
        try (TestRepository repo = TestRepository.create()) {
            String c4 = repo.commit("4", Map.of("a.txt", "4"));
            String c5 = repo.commit("5", Map.of("a.txt", "5"));
            String c6;
            String c7;
            try (Git git = Git.open(repo.dir().toFile())) {
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(c4).call();
                c6 = repo.commit("6 rewrites 5", Map.of("a.txt", "6"));
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(c4).call();
                c7 = repo.commit("7 rewrites 6", Map.of("a.txt", "7"));
            }
            // the tip arrives first; the push of 6 (which would link 7 back to 5) has not arrived yet
            assertThat(deliver(repo.url(), new Push(7, c6, c7, UUID.randomUUID().toString()))).isEqualTo(200);
            assertThat(deliver(repo.url(), new Push(5, c4, c5, UUID.randomUUID().toString()))).isEqualTo(200);
            Map<String, Run> bySha = new HashMap<>();
            QuarkusTransaction.requiringNew().call(() -> Run.<Run> list("repositoryUrl = ?1", repo.url()))
                    .forEach(r -> bySha.put(r.afterSha, r));
            assertThat(bySha.get(c7).state).isEqualTo(RunState.ANALYZING);
            assertThat(bySha.get(c5).state).as(bySha.get(c5).stateReason).isEqualTo(RunState.SUPERSEDED);
        }
    }

    /**
     * CI's chaos run (seed 9381280224052) found this: 1, 2, 3 forcing 2 away, 4, 5 forcing 4 away. Push 4 is verified;
     * then push 2 arrives (its successor 3, which would link it, not yet). Nothing orders 2 against 4 (neither descends
     * from the other, neither is held by the tip 5, no push links them): the ref as it stands now does, and 2 never
     * takes the environment from 4.
     */
    @Test
    void aCommitForcedAwayArrivingAfterAnotherForcedAwayCommitWasVerifiedIsNotDeployed() throws Exception {
        try (TestRepository repo = TestRepository.create()) {
            String c1 = repo.commit("1", Map.of("a.txt", "1"));
            String c2 = repo.commit("2", Map.of("a.txt", "2"));
            String c3;
            String c4;
            String c5;
            try (Git git = Git.open(repo.dir().toFile())) {
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(c1).call();
                c3 = repo.commit("3 rewrites 2", Map.of("a.txt", "3"));
                c4 = repo.commit("4", Map.of("a.txt", "4"));
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(c3).call();
                c5 = repo.commit("5 rewrites 4", Map.of("a.txt", "5"));
            }
            assertThat(deliver(repo.url(), new Push(4, c3, c4, UUID.randomUUID().toString()))).isEqualTo(200);
            Run four = QuarkusTransaction.requiringNew().call(() -> Run.<Run> find("afterSha", c4).firstResult());
            analysis(four.id, 1, "APPROVE", SETTINGS_PROD);
            validation(four.id, 1, true, "1 object");
            assertThat(state(four.id)).isEqualTo(RunState.DEPLOYING);
            deployment(four.id, 1, "VERIFIED");
            assertThat(state(four.id)).isEqualTo(RunState.SUCCEEDED);

            assertThat(deliver(repo.url(), new Push(2, c1, c2, UUID.randomUUID().toString()))).isEqualTo(200);
            Run two = QuarkusTransaction.requiringNew().call(() -> Run.<Run> find("afterSha", c2).firstResult());
            if (two.state == RunState.ANALYZING) {
                analysis(two.id, 1, "APPROVE", SETTINGS_PROD);
                validation(two.id, 1, true, "1 object");
            }
            Run after = run(two.id);
            assertThat(after.state).as(after.stateReason).isEqualTo(RunState.SUPERSEDED);
            assertThat(after.stateReason).contains("no longer holds", c5.substring(0, 7));
            assertThat(QuarkusTransaction.requiringNew().call(() -> RunTransition.<RunTransition> list("runId", two.id)))
                    .noneMatch(t -> t.toState == RunState.DEPLOYING);
        }
    }

    private void trial(long seed) throws Exception {
        Random rnd = new Random(seed);
        try (TestRepository repo = TestRepository.create()) {
            List<Push> pushes = history(repo, rnd);
            String tip = pushes.get(pushes.size() - 1).after();

            // deliveries: every push once, a fifth of them again with the same id, in a random order
            List<Push> deliveries = new ArrayList<>(pushes);
            for (Push p : pushes) {
                if (rnd.nextInt(5) == 0) {
                    deliveries.add(p);
                }
            }
            Collections.shuffle(deliveries, rnd);

            ExecutorService pool = Executors.newFixedThreadPool(6);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger delivered = new AtomicInteger();
            List<Future<?>> work = new ArrayList<>();
            for (Push d : deliveries) {
                work.add(pool.submit(() -> {
                    go.await();
                    Thread.sleep(rnd.nextInt(3));
                    int code = deliver(repo.url(), d);
                    assertThat(code).as("push %s delivered", d.index()).isIn(200, 204);
                    delivered.incrementAndGet();
                    return null;
                }));
            }
            Map<UUID, Integer> answered = new ConcurrentHashMap<>();
            for (int driver = 0; driver < 2; driver++) {
                long driverSeed = rnd.nextLong();
                work.add(pool.submit(() -> {
                    go.await();
                    drive(repo.url(), new Random(driverSeed), () -> delivered.get() == deliveries.size(), answered);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            check(seed, repo.url(), pushes, tip);
        }
    }

    /** A chain of 2-6 commits on main, each pushed; sometimes a forced push that leaves the last ones behind. */
    private static List<Push> history(TestRepository repo, Random rnd) throws Exception {
        List<Push> pushes = new ArrayList<>();
        String before = null;
        int n = 2 + rnd.nextInt(5);
        boolean forced = n >= 3 && rnd.nextInt(3) == 0;
        int forceAt = forced ? 2 + rnd.nextInt(n - 2) : -1;
        List<String> commits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == forceAt) {
                // a forced push: the branch goes back to an earlier commit and grows another way
                String base = commits.get(rnd.nextInt(i - 1));
                try (Git git = Git.open(repo.dir().toFile())) {
                    git.reset().setMode(ResetCommand.ResetType.HARD).setRef(base).call();
                }
            }
            String sha = repo.commit("change " + i, Map.of("file" + i + ".txt", "content " + i + " " + rnd.nextInt()));
            commits.add(sha);
            pushes.add(new Push(i, before, sha, UUID.randomUUID().toString()));
            before = sha;
        }
        return pushes;
    }

    private static int deliver(String repo, Push p) {
        return given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", p.eventId())
                .header("ce-type", EventTypes.PUSH).header("ce-source", "/test/forge")
                .body("{\"repository\":{\"url\":\"" + repo + "\",\"name\":\"r\"},\"ref\":\"refs/heads/main\",\"before\":"
                        + (p.before() == null ? "null" : "\"" + p.before() + "\"") + ",\"after\":\"" + p.after()
                        + "\",\"commits\":[],\"pusher\":\"ann\"}")
                .post("/").statusCode();
    }

    /** Plays analyze, validate and deploy, all approving, answering the outstanding request of a random run. */
    private static void drive(String repo, Random rnd, java.util.function.BooleanSupplier pushesDone, Map<UUID, Integer> answered)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            List<Run> open = QuarkusTransaction.requiringNew().call(() -> Run.<Run> list(
                    "repositoryUrl = ?1 and state in ?2", repo, List.of(RunState.ANALYZING, RunState.VALIDATING, RunState.DEPLOYING,
                            RunState.QUEUED, RunState.RECEIVED, RunState.AWAITING_APPROVAL)));
            if (open.isEmpty() && pushesDone.getAsBoolean()) {
                return;
            }
            List<Run> actionable = open.stream().filter(r -> r.state == RunState.ANALYZING || r.state == RunState.VALIDATING
                    || r.state == RunState.DEPLOYING).toList();
            if (actionable.isEmpty()) {
                if (!open.isEmpty() && pushesDone.getAsBoolean()) {
                    tick(); // the PingSource's minute: queues move on ticks too
                }
                Thread.sleep(2);
                continue;
            }
            Run r = actionable.get(rnd.nextInt(actionable.size()));
            switch (r.state) {
                case ANALYZING -> analysis(r.id, r.attempt, "APPROVE", SETTINGS_PROD);
                case VALIDATING -> validation(r.id, r.attempt, true, "1 object");
                case DEPLOYING -> deployment(r.id, r.attempt, "VERIFIED");
                default -> {
                }
            }
            answered.merge(r.id, 1, Integer::sum);
            Thread.sleep(rnd.nextInt(3));
        }
        throw new AssertionError("runs of " + repo + " did not settle in 90 s");
    }

    private static void tick() {
        given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EventTypes.TICK).header("ce-source", "/test/ping")
                .body("{}").post("/");
    }

    private static void check(long seed, String repo, List<Push> pushes, String tip) {
        String where = "seed " + seed + ": ";
        List<Run> runs = QuarkusTransaction.requiringNew().call(() -> Run.<Run> list("repositoryUrl = ?1", repo));
        Map<String, Integer> indexOf = new HashMap<>();
        pushes.forEach(p -> indexOf.put(p.after(), p.index()));
        Map<UUID, Run> byId = new HashMap<>();
        runs.forEach(r -> byId.put(r.id, r));

        // nothing lost, nothing doubled: one run per push, whatever was delivered twice
        assertThat(runs).as(where + "one run per push").hasSize(pushes.size());
        assertThat(runs.stream().map(r -> r.afterSha).distinct().count()).as(where + "each commit once").isEqualTo(pushes.size());
        assertThat(runs).as(where + "every run final").allMatch(r -> r.state.isFinal());

        // an older run is superseded by a newer one, never the reverse; the tip is never superseded
        for (Run r : runs) {
            if (r.state != RunState.SUPERSEDED) {
                continue;
            }
            assertThat(r.afterSha).as(where + "the tip's run is superseded: " + r.stateReason).isNotEqualTo(tip);
            Matcher m = OTHER_RUN.matcher(r.stateReason);
            assertThat(m.find()).as(where + "a supersession names the newer run: " + r.stateReason).isTrue();
            Run other = byId.get(UUID.fromString(m.group(1)));
            assertThat(indexOf.get(other.afterSha)).as(where + "run of push " + indexOf.get(r.afterSha) + " superseded by push "
                    + indexOf.get(other.afterSha) + ": " + r.stateReason).isGreaterThan(indexOf.get(r.afterSha));
        }

        List<RunTransition> transitions = QuarkusTransaction.requiringNew().call(() -> RunTransition.<RunTransition> list(
                "runId in ?1", runs.stream().map(r -> r.id).toList()));
        transitions.sort(Comparator.comparing((RunTransition t) -> t.at).thenComparing(t -> t.id));

        // at most one run of the branch deploys at a time; verified commits only ever move forward
        UUID deploying = null;
        int lastVerified = -1;
        String lastVerifiedSha = null;
        for (RunTransition t : transitions) {
            if (t.toState == RunState.DEPLOYING) {
                assertThat(deploying).as(where + "run " + t.runId + " started deploying while " + deploying + " was").isNull();
                deploying = t.runId;
            } else if (t.fromState == RunState.DEPLOYING) {
                deploying = null;
            }
            if (t.fromState == RunState.DEPLOYING && t.toState == RunState.SUCCEEDED) {
                int index = indexOf.get(byId.get(t.runId).afterSha);
                assertThat(index).as(where + "push " + index + " verified after push " + lastVerified).isGreaterThan(lastVerified);
                lastVerified = index;
                lastVerifiedSha = byId.get(t.runId).afterSha;
            }
        }
        assertThat(lastVerifiedSha).as(where + "the environment ends on the branch's tip").isEqualTo(tip);
    }
}
