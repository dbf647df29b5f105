package dev.sluice.local.e2e;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.sluice.local.e2e.ChaosRepositories.Push;
import dev.sluice.local.e2e.ChaosRepositories.Repo;
import dev.sluice.run.RunState;
import dev.sluice.run.RunStateMachine;

/**
 * The chaos test's invariants, judged from what the API showed after the pushes settled, against the git
 * repositories the test made: 0 lost, 0 doubled, 0 stuck, every transition path allowed, no environment deploying
 * an older commit of its branch after a newer one, no two deployments of one environment at once, and every
 * environment on its branch's tip.
 */
final class ChaosVerdict {
    record Step(String from, String to, Instant at) {
    }

    record RunRecord(String id, String repository, String ref, String sha, String state, String environment, String reason,
            List<Step> transitions) {
    }

    record ReleaseRecord(String id, String environment, int number, String kind, String runId, String sha, String outcome,
            Instant verifiedAt) {
    }

    record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    private final ChaosRepositories repos;
    private final List<RunRecord> runs;
    private final Map<String, List<ReleaseRecord>> releasesByEnvironment;
    final List<Violation> violations = new ArrayList<>();

    ChaosVerdict(ChaosRepositories repos, List<RunRecord> runs, Map<String, List<ReleaseRecord>> releasesByEnvironment) {
        this.repos = repos;
        this.runs = runs;
        this.releasesByEnvironment = releasesByEnvironment;
    }

    /** Runs per state, final ones and the rest. */
    Map<String, Integer> runsByState() {
        Map<String, Integer> out = new TreeMap<>();
        runs.forEach(r -> out.merge(r.state(), 1, Integer::sum));
        return out;
    }

    ChaosVerdict judge() {
        Map<String, RunRecord> byId = new HashMap<>();
        runs.forEach(r -> byId.put(r.id(), r));
        lostAndDoubled();
        for (RunRecord r : runs) {
            if (!RunState.valueOf(r.state()).isFinal()) {
                add("stuck", "run " + r.id() + " of " + describe(r) + " is still " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")"));
            }
            transitionPath(r);
        }
        for (Repo repo : repos.repos) {
            for (String branch : repo.pushes.keySet()) {
                String env = repo.environment(branch);
                List<ReleaseRecord> verified = releasesByEnvironment.getOrDefault(env, List.of()).stream()
                        .filter(x -> "VERIFIED".equals(x.outcome()) && x.verifiedAt() != null)
                        .sorted(Comparator.comparing(ReleaseRecord::verifiedAt).thenComparingInt(ReleaseRecord::number)).toList();
                newestFirstInOrder(repo, branch, env, verified);
                onTip(repo, branch, env, verified, byId);
                oneDeploymentAtATime(env);
            }
        }
        return this;
    }

    /** Every distinct push made exactly one run; duplicates made none; no run came from nowhere. */
    private void lostAndDoubled() {
        Map<String, List<RunRecord>> byPush = new HashMap<>();
        for (RunRecord r : runs) {
            byPush.computeIfAbsent(key(r.repository(), r.ref(), r.sha()), k -> new ArrayList<>()).add(r);
        }
        for (Push p : repos.allPushes()) {
            List<RunRecord> made = byPush.remove(key(p.repo().url(), p.ref(), p.after()));
            if (made == null) {
                add("lost", "push " + p + " (event " + p.eventId() + ") made no run");
            } else if (made.size() > 1) {
                add("doubled", "push " + p + " made " + made.size() + " runs: " + made.stream().map(RunRecord::id).toList());
            }
        }
        byPush.values().forEach(made -> made.forEach(r -> add("unexpected run", "run " + r.id() + " of " + describe(r)
                + " matches no push of the test")));
    }

    /** RECEIVED first, each step allowed by the state machine and starting where the last ended, one final state, last. */
    private void transitionPath(RunRecord r) {
        List<Step> t = r.transitions();
        String path = t.stream().map(Step::to).toList().toString();
        if (t.isEmpty() || t.get(0).from() != null || !"RECEIVED".equals(t.get(0).to())) {
            add("invalid path", "run " + r.id() + " does not start at RECEIVED: " + path);
            return;
        }
        for (int i = 1; i < t.size(); i++) {
            Step s = t.get(i);
            String previous = t.get(i - 1).to();
            if (!previous.equals(s.from())) {
                add("invalid path", "run " + r.id() + ": step " + i + " starts at " + s.from() + " but the run was " + previous + ": " + path);
                return;
            }
            if (!RunStateMachine.allows(RunState.valueOf(s.from()), RunState.valueOf(s.to()))) {
                add("invalid path", "run " + r.id() + ": " + s.from() + " -> " + s.to() + " is not allowed: " + path);
                return;
            }
        }
        String last = t.get(t.size() - 1).to();
        if (RunState.valueOf(r.state()).isFinal() && !last.equals(r.state())) {
            add("invalid path", "run " + r.id() + " is " + r.state() + " but its transitions end at " + last + ": " + path);
        }
    }

    /**
     * Walking an environment's verified releases in the order they were verified: no release is of a commit older
     * than one verified before it from the same branch — older by the commit graph (an ancestor), or, across a force
     * push, by the order the ref was updated in. A commit that is not of this branch at all is wrong too.
     */
    private void newestFirstInOrder(Repo repo, String branch, String env, List<ReleaseRecord> verified) {
        Map<String, Integer> order = new HashMap<>();
        repo.pushes.get(branch).forEach(p -> order.put(p.after(), p.index()));
        for (int j = 0; j < verified.size(); j++) {
            ReleaseRecord later = verified.get(j);
            Integer laterIndex = order.get(later.sha());
            if (laterIndex == null) {
                add("foreign release", env + " verified release " + later.id() + " (run " + later.runId() + ") of " + later.sha()
                        + ", which no push of branch " + branch + " carried");
                continue;
            }
            for (int i = 0; i < j; i++) {
                ReleaseRecord earlier = verified.get(i);
                Integer earlierIndex = order.get(earlier.sha());
                if (earlierIndex == null || earlier.sha().equals(later.sha())) {
                    continue;
                }
                boolean ancestor = repo.isAncestor(later.sha(), earlier.sha());
                if (ancestor || laterIndex < earlierIndex && !repo.isAncestor(earlier.sha(), later.sha())) {
                    add("older after newer", env + ": release #" + later.number() + " (run " + later.runId() + ") deployed "
                            + short10(later.sha()) + " (push #" + laterIndex + ") after release #" + earlier.number() + " (run "
                            + earlier.runId() + ") had verified " + short10(earlier.sha()) + " (push #" + earlierIndex + "), "
                            + (ancestor ? "which descends from it" : "which replaced it by a force push"));
                    break;
                }
            }
        }
    }

    /** The last verified release of each environment is its branch's tip (every commit passes the gates). */
    private void onTip(Repo repo, String branch, String env, List<ReleaseRecord> verified, Map<String, RunRecord> byId) {
        String tip = repo.tip(branch);
        if (!verified.isEmpty() && verified.get(verified.size() - 1).sha().equals(tip)) {
            return;
        }
        Map<String, Integer> order = new HashMap<>();
        repo.pushes.get(branch).forEach(p -> order.put(p.after(), p.index()));
        String tipRuns = runs.stream().filter(r -> r.repository().equals(repo.url()) && r.sha().equals(tip))
                .map(r -> r.id() + " " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")")).toList().toString();
        if (verified.isEmpty()) {
            add("not on tip", env + " has no verified release; tip " + short10(tip) + ", its run(s): " + tipRuns);
        } else {
            ReleaseRecord last = verified.get(verified.size() - 1);
            RunRecord lastRun = byId.get(last.runId());
            add("not on tip", env + " ends on " + short10(last.sha()) + " (push #" + order.get(last.sha()) + ", release #"
                    + last.number() + ", run " + last.runId() + (lastRun == null ? "" : " " + lastRun.state()) + ") instead of its branch's tip "
                    + short10(tip) + " (push #" + order.get(tip) + "); the tip's run(s): " + tipRuns);
        }
    }

    /** No two runs of one environment were DEPLOYING at the same time (from the transitions' times). */
    private void oneDeploymentAtATime(String env) {
        record Window(RunRecord run, Instant from, Instant to) {
        }
        List<Window> windows = new ArrayList<>();
        for (RunRecord r : runs) {
            if (!env.equals(r.environment())) {
                continue;
            }
            List<Step> t = r.transitions();
            for (int i = 0; i < t.size(); i++) {
                if ("DEPLOYING".equals(t.get(i).to())) {
                    Instant end = i + 1 < t.size() ? t.get(i + 1).at() : Instant.MAX;
                    windows.add(new Window(r, t.get(i).at(), end));
                }
            }
        }
        windows.sort(Comparator.comparing(Window::from));
        for (int i = 1; i < windows.size(); i++) {
            Window a = windows.get(i - 1);
            Window b = windows.get(i);
            if (b.from().isBefore(a.to())) {
                add("deployed together", env + ": run " + b.run().id() + " (" + short10(b.run().sha()) + ") started deploying at "
                        + b.from() + " while run " + a.run().id() + " (" + short10(a.run().sha()) + ") was deploying (until " + a.to() + ")");
            }
        }
    }

    /** Violations counted by invariant, every invariant named (0 included). */
    Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String k : List.of("lost", "doubled", "unexpected run", "stuck", "invalid path", "older after newer", "foreign release",
                "deployed together", "not on tip")) {
            out.put(k, 0);
        }
        violations.forEach(v -> out.merge(v.invariant(), 1, Integer::sum));
        return out;
    }

    private void add(String invariant, String detail) {
        violations.add(new Violation(invariant, detail));
    }

    private String describe(RunRecord r) {
        Repo repo = repos.byUrl.get(r.repository());
        return (repo == null ? r.repository() : repo.name) + " " + r.ref() + " " + short10(r.sha());
    }

    private static String key(String repository, String ref, String sha) {
        return repository + " " + ref + " " + sha;
    }

    static String short10(String sha) {
        return sha == null ? "null" : sha.substring(0, Math.min(10, sha.length()));
    }
}
