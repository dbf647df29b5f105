package dev.sluice.route.observe;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.sluice.events.EventCodec;
import dev.sluice.run.RunState;
import dev.sluice.run.RunTransitioned;

/**
 * A run's state as each forge's commit-status API takes it: the request path, the authentication header, the state
 * word and the JSON body. The documents each request follows are named per forge below; route's ForgeStatusTest checks
 * the requests against them.
 */
public enum ForgeStatus {
    /** https://docs.github.com/en/rest/commits/statuses#create-a-commit-status */
    GITHUB("github", "https://api.github.com"),
    /** https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit */
    GITLAB("gitlab", "https://gitlab.com/api/v4"),
    /** https://gitea.com/api/swagger#/repository/repoCreateStatus (Forgejo: the same API) */
    GITEA("gitea", null),
    /** https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/#api-repositories-workspace-repo-slug-commit-commit-statuses-build-post */
    BITBUCKET("bitbucket", "https://api.bitbucket.org");

    /** The name a run records ({@code runs.forge}) and the configuration uses ({@code sluice.forge.<name>}). */
    public final String id;
    /** The public service's API, used when {@code sluice.forge.<name>.api-url} is not set; none for Gitea. */
    final String defaultApiUrl;

    ForgeStatus(String id, String defaultApiUrl) {
        this.id = id;
        this.defaultApiUrl = defaultApiUrl;
    }

    public static Optional<ForgeStatus> byId(String id) {
        for (ForgeStatus f : values()) {
            if (f.id.equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The forge's word for a run state. */
    String state(RunState s) {
        return switch (this) {
            case GITHUB, GITEA -> switch (s) {
                case SUCCEEDED -> "success";
                case FAILED, ROLLED_BACK, REJECTED -> "failure";
                case CANCELLED, SUPERSEDED -> "error";
                default -> "pending";
            };
            case GITLAB -> switch (s) {
                case SUCCEEDED -> "success";
                case FAILED, ROLLED_BACK, REJECTED -> "failed";
                case CANCELLED, SUPERSEDED -> "canceled";
                case ANALYZING, VALIDATING, TESTING, DEPLOYING -> "running";
                default -> "pending";
            };
            case BITBUCKET -> switch (s) {
                case SUCCEEDED -> "SUCCESSFUL";
                case FAILED, ROLLED_BACK, REJECTED -> "FAILED";
                case CANCELLED, SUPERSEDED -> "STOPPED";
                default -> "INPROGRESS";
            };
        };
    }

    /**
     * Whether this transition is worth a request: GitLab refuses a status that does not change its state ("Cannot
     * transition status via :run from :running"), so there a transition that keeps the word sends nothing.
     */
    boolean reports(RunTransitioned t) {
        return this != GITLAB || t.from() == null || !state(t.from()).equals(state(t.to()));
    }

    private static final Pattern SEGMENT = Pattern.compile("[^/\\s]+");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");
    static final int DESCRIPTION_LENGTH = 140;

    /**
     * The status request for a transition, or empty when the run's repository or commit cannot be named at this forge.
     *
     * @param apiUrl the configured API base URL: the request goes to its host and nowhere else
     * @param runUrl the run's page, or null when no public URL is configured
     */
    Optional<HttpRequest> request(String apiUrl, String token, String context, String runUrl, RunTransitioned t, Duration timeout) {
        Optional<String> repo = repositoryPath(t.repositoryName(), t.repositoryUrl());
        if (repo.isEmpty() || t.sha() == null || !SHA.matcher(t.sha()).matches() || this == BITBUCKET && runUrl == null) {
            return Optional.empty(); // Bitbucket requires the link
        }
        String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        String path = switch (this) {
            case GITHUB -> "/repos/" + repo.get() + "/statuses/" + t.sha();
            case GITLAB -> "/projects/" + repo.get() + "/statuses/" + t.sha();
            case GITEA -> "/api/v1/repos/" + repo.get() + "/statuses/" + t.sha();
            case BITBUCKET -> "/2.0/repositories/" + repo.get() + "/commit/" + t.sha() + "/statuses/build";
        };
        URI uri = URI.create(base + path);
        URI configured = URI.create(base);
        if (!configured.getHost().equals(uri.getHost()) || configured.getPort() != uri.getPort()) {
            return Optional.empty(); // never: the repository's segments are escaped; the token stays with the configured host
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(context, runUrl, t)));
        switch (this) {
            case GITHUB -> req.header("Authorization", "Bearer " + token).header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28");
            case GITLAB -> req.header("PRIVATE-TOKEN", token);
            case GITEA -> req.header("Authorization", "token " + token).header("Accept", "application/json");
            case BITBUCKET -> req.header("Authorization", "Bearer " + token).header("Accept", "application/json");
        }
        return Optional.of(req.build());
    }

    String body(String context, String runUrl, RunTransitioned t) {
        Map<String, Object> body = new LinkedHashMap<>();
        String description = description(t);
        switch (this) {
            case GITHUB, GITEA -> {
                body.put("state", state(t.to()));
                putIfSet(body, "target_url", runUrl);
                body.put("description", description);
                body.put("context", context);
            }
            case GITLAB -> {
                body.put("state", state(t.to()));
                body.put("name", context);
                putIfSet(body, "ref", t.ref() == null ? null : t.ref().replaceFirst("^refs/(heads|tags)/", ""));
                putIfSet(body, "target_url", runUrl);
                body.put("description", description);
            }
            case BITBUCKET -> {
                body.put("key", context);
                body.put("state", state(t.to()));
                body.put("name", context);
                body.put("url", runUrl);
                body.put("description", description);
            }
        }
        try {
            return EventCodec.json().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "SUCCEEDED: deployment verified", cut to what the forges show. */
    static String description(RunTransitioned t) {
        String text = t.to().name() + (t.reason() == null || t.reason().isBlank() ? "" : ": " + t.reason());
        return text.length() <= DESCRIPTION_LENGTH ? text : text.substring(0, DESCRIPTION_LENGTH - 3) + "...";
    }

    /**
     * The repository as the forge's API path names it, each segment escaped: owner/repository (workspace/slug), or for
     * GitLab the whole namespace path as one escaped id. From the push's full name, else from its URL.
     */
    Optional<String> repositoryPath(String name, String url) {
        String full = name != null && name.contains("/") ? name : fromUrl(url);
        if (full == null) {
            return Optional.empty();
        }
        String[] parts = full.split("/");
        for (String p : parts) {
            if (!SEGMENT.matcher(p).matches() || p.equals(".") || p.equals("..")) {
                return Optional.empty();
            }
        }
        if (this == GITLAB) {
            return parts.length >= 2 ? Optional.of(escape(full)) : Optional.empty();
        }
        return parts.length == 2 ? Optional.of(escape(parts[0]) + "/" + escape(parts[1])) : Optional.empty();
    }

    private static String fromUrl(String url) {
        if (url == null) {
            return null;
        }
        String path = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "").replaceFirst("^[^@/]+@[^:/]+:", "");
        path = path.replaceFirst("^/+", "").replaceFirst("/+$", "").replaceFirst("\\.git$", "");
        return path.isEmpty() ? null : path;
    }

    private static String escape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void putIfSet(Map<String, Object> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
