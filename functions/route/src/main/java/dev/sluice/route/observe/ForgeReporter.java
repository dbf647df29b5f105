package dev.sluice.route.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.sluice.events.EventCodec;
import dev.sluice.run.Run;
import dev.sluice.run.RunTransitioned;

/**
 * Tells the forge a push came from how its run is doing (a commit status per transition, with a link to the run's page),
 * and a Slack-compatible incoming webhook when a run ends or waits for approval. It observes {@link RunTransitioned}, so
 * it runs after the commit and off the run's thread: a slow or failing forge never holds up or fails a run. A 5xx, 429
 * or timeout is tried again with doubling waits ({@code sluice.forge.attempts}, {@code sluice.forge.backoff}); other
 * answers are logged and dropped. A report that a newer transition of the same run overtook is not sent, so the forge is
 * left with the newest state. Nothing is sent for a forge without a token, nor for a run no forge sent (curl).
 */
@ApplicationScoped
public class ForgeReporter {
    private static final Logger LOG = Logger.getLogger(ForgeReporter.class);
    private static final int REMEMBERED_RUNS = 10_000;

    @Inject
    ForgeConfig config;

    @Inject
    MeterRegistry metrics;

    /** The base of the run pages this Sluice serves, e.g. https://sluice.example.com; unset: statuses carry no link. */
    @ConfigProperty(name = "sluice.public-url")
    Optional<String> publicUrl;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ScheduledExecutorService sender = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "sluice-forge-reports");
        t.setDaemon(true);
        return t;
    });

    /** Per run: its forge (read once) and the time of the newest transition seen, so older reports are not sent after it. */
    private final Map<UUID, Known> runs = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Known> eldest) {
            return size() > REMEMBERED_RUNS;
        }
    });

    private record Known(Optional<ForgeStatus> forge, Instant newest) {
    }

    void onTransition(@ObservesAsync RunTransitioned t) {
        if (config.slack().webhookUrl().isPresent() && config.slack().states().contains(t.to().name())) {
            config.slack().webhookUrl().ifPresent(url -> send("slack", HttpRequest.newBuilder(URI.create(url))
                    .timeout(config.timeout()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(slackMessage(t))).build(), null, 1));
        }
        Optional<ForgeStatus> forge = forgeOf(t);
        if (forge.isEmpty() || !forge.get().reports(t)) {
            return;
        }
        ForgeConfig.Endpoint endpoint = endpoint(forge.get());
        Optional<String> api = endpoint.apiUrl().or(() -> Optional.ofNullable(forge.get().defaultApiUrl));
        if (endpoint.token().isEmpty() || api.isEmpty()) {
            return; // not configured: the forge gets nothing
        }
        Optional<HttpRequest> req = forge.get().request(api.get(), endpoint.token().get(), config.context(), runUrl(t.runId()), t,
                config.timeout());
        if (req.isEmpty()) {
            LOG.debugf("run %s: no %s status (repository %s cannot be named there, or no sluice.public-url for the link)",
                    t.runId(), forge.get().id, t.repositoryName());
            count(forge.get().id, "skipped");
            return;
        }
        send(forge.get().id, req.get(), t, 1);
    }

    /** The run's forge, read from the database once per run; unknown (nothing sent) while the database is away. */
    private Optional<ForgeStatus> forgeOf(RunTransitioned t) {
        Known known = runs.get(t.runId());
        Optional<ForgeStatus> forge;
        if (known != null) {
            forge = known.forge();
        } else {
            try {
                // a run no forge sent has a null forge: a list, since a stream cannot hold the null
                List<String> rows = QuarkusTransaction.requiringNew().call(() -> Run.getEntityManager()
                        .createQuery("select r.forge from Run r where r.id = :id", String.class).setParameter("id", t.runId())
                        .getResultList());
                String name = rows.isEmpty() ? null : rows.get(0);
                forge = name == null ? Optional.empty() : ForgeStatus.byId(name);
            } catch (RuntimeException e) {
                LOG.warnf("run %s: %s not reported to its forge, the run cannot be read: %s", t.runId(), t.to(),
                        EventCodec.rootMessage(e));
                return Optional.empty();
            }
        }
        synchronized (runs) {
            Known now = runs.get(t.runId());
            runs.put(t.runId(), new Known(forge, now != null && now.newest().isAfter(t.at()) ? now.newest() : t.at()));
        }
        return forge;
    }

    private boolean overtaken(RunTransitioned t) {
        Known known = runs.get(t.runId());
        return known != null && known.newest().isAfter(t.at());
    }

    private void send(String target, HttpRequest req, RunTransitioned t, int attempt) {
        try {
            sender.execute(() -> deliver(target, req, t, attempt));
        } catch (RejectedExecutionException e) {
            LOG.debugf("%s report not sent: shutting down", target);
        }
    }

    private void deliver(String target, HttpRequest req, RunTransitioned t, int attempt) {
        if (t != null && overtaken(t)) {
            count(target, "overtaken");
            return;
        }
        String failure;
        boolean retryable;
        try {
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 == 2) {
                count(target, "sent");
                return;
            }
            failure = "HTTP " + resp.statusCode() + ": " + abbreviate(resp.body());
            retryable = resp.statusCode() >= 500 || resp.statusCode() == 429;
        } catch (IOException e) {
            failure = e.toString();
            retryable = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (retryable && attempt < config.attempts()) {
            long delay = config.backoff().toMillis() << Math.min(attempt - 1, 10);
            LOG.debugf("%s report for %s, try %d: %s; again in %d ms", target, req.uri().getHost(), attempt, failure, delay);
            sender.schedule(() -> deliver(target, req, t, attempt + 1), delay, TimeUnit.MILLISECONDS);
            return;
        }
        count(target, "failed");
        LOG.warnf("%s report (%s) not accepted after %d %s: %s", target, t == null ? "notification" : "run " + t.runId() + " " + t.to(),
                attempt, attempt == 1 ? "try" : "tries", failure);
    }

    private void count(String target, String outcome) {
        metrics.counter("sluice.forge.reports", "forge", target, "outcome", outcome).increment();
    }

    private ForgeConfig.Endpoint endpoint(ForgeStatus forge) {
        return switch (forge) {
            case GITHUB -> config.github();
            case GITLAB -> config.gitlab();
            case GITEA -> config.gitea();
            case BITBUCKET -> config.bitbucket();
        };
    }

    String runUrl(UUID runId) {
        return publicUrl.filter(u -> !u.isBlank()).map(u -> (u.endsWith("/") ? u.substring(0, u.length() - 1) : u) + "/runs/" + runId)
                .orElse(null);
    }

    private String slackMessage(RunTransitioned t) {
        String where = (t.repositoryName() != null ? t.repositoryName() : t.repositoryUrl()) + " "
                + (t.ref() == null ? "" : t.ref().replaceFirst("^refs/(heads|tags)/", "")) + "@"
                + (t.sha() == null ? "" : t.sha().substring(0, Math.min(7, t.sha().length())));
        String url = runUrl(t.runId());
        String text = "Sluice run " + (url == null ? t.runId().toString() : "<" + url + "|" + t.runId() + ">") + " (" + where + "): "
                + t.to() + (t.reason() == null ? "" : " - " + abbreviate(t.reason()));
        try {
            return EventCodec.json().writeValueAsString(Map.of("text", text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
