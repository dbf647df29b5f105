package dev.sluice.validate.tests;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * TEST ONLY: a {@link TestRunner} named "fake" that runs nothing. It exists so {@link TestsHandlerTest} can prove the
 * tests handler's event flow (start, checks, completion, stop), redeliveries and runner failures without podman or a
 * cluster; the real runners (process, podman, kubernetes) are tested on their own. A test scripts what the execution of
 * a handle says with {@link #script}; an execution started twice is started once, as the contract asks.
 */
@ApplicationScoped
public class FakeTestRunner implements TestRunner {
    /** Per handle: what status() answers next (null: not started, so Finished ERROR "no such execution"). */
    static final Map<String, TestStatus> STATUS = new ConcurrentHashMap<>();
    /** Per handle: how many executions start() really started. */
    static final Map<String, AtomicInteger> STARTED = new ConcurrentHashMap<>();
    /** Per handle: how many times stop() was called. */
    static final Map<String, AtomicInteger> STOPPED = new ConcurrentHashMap<>();
    /** When set, start(), status() and stop() throw this. */
    static volatile RuntimeException failing;
    /** When set, unavailable() says this. */
    static volatile String unavailableBecause;

    static void reset() {
        STATUS.clear();
        STARTED.clear();
        STOPPED.clear();
        failing = null;
        unavailableBecause = null;
    }

    static void script(String handle, TestStatus status) {
        STATUS.put(handle, status);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailableBecause);
    }

    @Override
    public String start(TestJob job) {
        if (failing != null) {
            throw failing;
        }
        if (STATUS.putIfAbsent(job.handle(), new TestStatus.Running("running for 0 s")) == null) {
            STARTED.computeIfAbsent(job.handle(), h -> new AtomicInteger()).incrementAndGet();
        }
        return "started in fake execution " + job.handle() + " (" + job.tests().image() + ")";
    }

    @Override
    public TestStatus status(TestJob job) {
        if (failing != null) {
            throw failing;
        }
        TestStatus s = STATUS.get(job.handle());
        return s != null ? s : new TestStatus.Finished(dev.sluice.events.Payloads.TestsOutcome.ERROR, null, null,
                "no execution " + job.handle(), java.time.Instant.now());
    }

    @Override
    public void stop(TestJob job) {
        STOPPED.computeIfAbsent(job.handle(), h -> new AtomicInteger()).incrementAndGet();
        if (failing != null) {
            throw failing;
        }
        STATUS.remove(job.handle());
    }
}
