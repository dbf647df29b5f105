package dev.sluice.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sluice.local.e2e.ChaosRepositories.Push;
import dev.sluice.local.e2e.ChaosRepositories.Repo;
import dev.sluice.local.e2e.ChaosVerdict.ReleaseRecord;
import dev.sluice.local.e2e.ChaosVerdict.RunRecord;
import dev.sluice.local.e2e.ChaosVerdict.Step;

/**
 * The chaos test's judge, on real git repositories and hand-made outcomes: a clean outcome has no violation, and
 * each kind of broken outcome is named — so a green chaos run means the pipeline held, not that the judge looked away.
 */
class ChaosVerdictTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private ChaosRepositories repos;

    @AfterEach
    void close() {
        if (repos != null) {
            repos.close();
        }
    }

    @Test
    void anOutcomeWhereEveryPushRanOnceInOrderAndEachEnvironmentEndsOnItsTipHasNoViolation() {
        Outcome o = cleanOutcome(0.0);
        ChaosVerdict v = o.judge();
        assertThat(v.violations).isEmpty();
        assertThat(v.runsByState()).containsEntry("SUCCEEDED", repos.allPushes().size());
    }

    @Test
    void aPushWithoutARunIsLostAndAPushWithTwoIsDoubled() {
        Outcome o = cleanOutcome(0.0);
        RunRecord gone = o.runs.remove(3);
        RunRecord twice = o.runs.get(5);
        o.runs.add(new RunRecord("extra", twice.repository(), twice.ref(), twice.sha(), "SUPERSEDED", twice.environment(), null,
                path("RECEIVED", "SUPERSEDED")));
        ChaosVerdict v = o.judge();
        assertThat(v.counts()).containsEntry("lost", 1).containsEntry("doubled", 1);
        assertThat(v.violations.toString()).contains(gone.sha().substring(0, 10)).contains("extra");
    }

    @Test
    void aRunLeftOpenIsStuckAndAStepTheStateMachineForbidsIsAnInvalidPath() {
        Outcome o = cleanOutcome(0.0);
        RunRecord open = o.runs.get(0);
        o.runs.set(0, new RunRecord(open.id(), open.repository(), open.ref(), open.sha(), "ANALYZING", open.environment(), null,
                path("RECEIVED", "ANALYZING")));
        RunRecord skip = o.runs.get(1);
        o.runs.set(1, new RunRecord(skip.id(), skip.repository(), skip.ref(), skip.sha(), "SUCCEEDED", skip.environment(), null,
                path("RECEIVED", "DEPLOYING", "SUCCEEDED")));
        RunRecord twoFinals = o.runs.get(2);
        o.runs.set(2, new RunRecord(twoFinals.id(), twoFinals.repository(), twoFinals.ref(), twoFinals.sha(), "FAILED",
                twoFinals.environment(), null, path("RECEIVED", "ANALYZING", "SUPERSEDED", "FAILED")));
        ChaosVerdict v = o.judge();
        assertThat(v.counts()).containsEntry("stuck", 1).containsEntry("invalid path", 2);
        assertThat(v.violations.toString()).contains("RECEIVED -> DEPLOYING is not allowed").contains("SUPERSEDED -> FAILED");
    }

    @Test
    void anAncestorVerifiedAfterItsDescendantIsOlderAfterNewerAndLeavesTheEnvironmentOffItsTip() {
        Outcome o = cleanOutcome(0.0);
        Repo repo = repos.repos.get(0);
        String env = repo.environment("main");
        List<Push> chain = repo.pushes.get("main");
        // the environment verified the tip, then the push before it
        o.releases.get(env).add(release(env, 99, chain.get(chain.size() - 2).after(), 1000));
        ChaosVerdict v = o.judge();
        assertThat(v.counts()).containsEntry("older after newer", 1).containsEntry("not on tip", 1);
        assertThat(v.violations.toString()).contains("descends from it");
    }

    @Test
    void aCommitReplacedByAForcePushVerifiedAfterItsReplacementIsOlderAfterNewer() {
        Outcome o = cleanOutcome(1.0);
        Repo repo = repos.repos.get(0);
        String env = repo.environment("dev");
        List<Push> chain = repo.pushes.get("dev");
        Push rewritten = chain.get(chain.size() - 2);
        assertThat(chain.get(chain.size() - 1).forced()).isTrue();
        assertThat(repo.isAncestor(rewritten.after(), chain.get(chain.size() - 1).after())).isFalse();
        o.releases.get(env).add(release(env, 99, rewritten.after(), 1000));
        ChaosVerdict v = o.judge();
        assertThat(v.counts()).containsEntry("older after newer", 1).containsEntry("not on tip", 1);
        assertThat(v.violations.toString()).contains("replaced it by a force push");
    }

    @Test
    void twoRunsOfOneEnvironmentDeployingAtOnceAreDeployedTogether() {
        Outcome o = cleanOutcome(0.0);
        RunRecord a = o.runs.get(0);
        RunRecord b = o.runs.get(1);
        assertThat(a.environment()).isEqualTo(b.environment());
        o.runs.set(1, new RunRecord(b.id(), b.repository(), b.ref(), b.sha(), "SUCCEEDED", b.environment(), null,
                timed(a.transitions().get(4).at().minusSeconds(4).plusMillis(500), "RECEIVED", "ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING", "SUCCEEDED")));
        // b starts deploying half a second after a did, a second before a ends
        assertThat(o.judge().counts()).containsEntry("deployed together", 1);
    }

    // ---- a clean outcome: every push one SUCCEEDED run, each verified in push order ------------------------

    private record Outcome(ChaosRepositories repos, List<RunRecord> runs, Map<String, List<ReleaseRecord>> releases) {
        ChaosVerdict judge() {
            return new ChaosVerdict(repos, runs, releases).judge();
        }
    }

    private Outcome cleanOutcome(double forceShare) {
        repos = ChaosRepositories.create(PipelineIT.examplePath(), 1, 16, forceShare, new Random(7), "t");
        List<RunRecord> runs = new ArrayList<>();
        Map<String, List<ReleaseRecord>> releases = new HashMap<>();
        long second = 0;
        for (Repo repo : repos.repos) {
            for (var e : repo.pushes.entrySet()) {
                String env = repo.environment(e.getKey());
                releases.put(env, new ArrayList<>());
                for (Push p : e.getValue()) {
                    second += 10;
                    String id = "run-" + env + "-" + p.index();
                    runs.add(new RunRecord(id, repo.url(), p.ref(), p.after(), "SUCCEEDED", env, null,
                            timed(T0.plusSeconds(second), "RECEIVED", "ANALYZING", "VALIDATING", "QUEUED", "DEPLOYING", "SUCCEEDED")));
                    releases.get(env).add(new ReleaseRecord("rel-" + id, env, p.index() + 1, "DEPLOY", id, p.after(), "VERIFIED",
                            T0.plusSeconds(second + 5)));
                }
            }
        }
        return new Outcome(repos, runs, releases);
    }

    private static ReleaseRecord release(String env, int number, String sha, long second) {
        return new ReleaseRecord("rel-late-" + number, env, number, "DEPLOY", "run-late", sha, "VERIFIED", T0.plusSeconds(second));
    }

    private static List<Step> path(String... states) {
        return timed(T0, states);
    }

    /** Transitions one second apart from {@code start}. */
    private static List<Step> timed(Instant start, String... states) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            steps.add(new Step(i == 0 ? null : states[i - 1], states[i], start.plusSeconds(i)));
        }
        return steps;
    }
}
