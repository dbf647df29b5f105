package dev.sluice.route.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.events.BadEventException;
import dev.sluice.events.Payloads.Commit;
import dev.sluice.events.Payloads.Push;
import dev.sluice.events.Payloads.Repository;

/**
 * Turns the push payloads of GitHub, GitLab, Gitea/Gogs and Sluice's own {@code dev.sluice.push} into one
 * {@link Push}, a Gitea/Forgejo {@code create} of a tag into the push of that tag, and a Bitbucket Cloud
 * {@code repo:push} or Bitbucket Data Center {@code repo:refs_changed} into one per ref it changed. A payload that lacks
 * what a run needs is a {@link BadEventException} naming the field.
 */
public final class PushNormalizer {
    private PushNormalizer() {
    }

    public static final String ZERO_SHA = "0000000000000000000000000000000000000000";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    public enum Forge {
        GITHUB, GITLAB, GITEA, SLUICE
    }

    public static Push normalize(Forge forge, JsonNode data) {
        return switch (forge) {
            case GITHUB -> github(data);
            case GITLAB -> gitlab(data);
            case GITEA -> gitea(data);
            case SLUICE -> sluice(data);
        };
    }

    static Push github(JsonNode d) {
        JsonNode repo = d.path("repository");
        String url = first(repo, "clone_url", "html_url", "url");
        return checked(new Push(new Repository(url, first(repo, "full_name", "name")), text(d, "ref"), text(d, "before"),
                text(d, "after"), commits(d.path("commits")), first(d.path("pusher"), "name", "login", "email"),
                d.path("forced").asBoolean(false)), "repository.clone_url");
    }

    static Push gitlab(JsonNode d) {
        JsonNode project = d.has("project") ? d.path("project") : d.path("repository");
        String url = first(project, "git_http_url", "http_url", "git_ssh_url", "web_url", "homepage", "url");
        if (url == null) {
            url = first(d.path("repository"), "git_http_url", "homepage", "url");
        }
        String after = text(d, "after");
        String ref = text(d, "ref");
        // A tag push names the tag object in `after` for annotated tags; checkout_sha is the commit.
        if (ref != null && ref.startsWith("refs/tags/") && text(d, "checkout_sha") != null) {
            after = text(d, "checkout_sha");
        }
        return checked(new Push(new Repository(url, first(project, "path_with_namespace", "name")), ref, text(d, "before"),
                after, commits(d.path("commits")), first(d, "user_username", "user_name"), false), "project.git_http_url");
    }

    static Push gitea(JsonNode d) {
        JsonNode repo = d.path("repository");
        String url = first(repo, "clone_url", "html_url", "url");
        return checked(new Push(new Repository(url, first(repo, "full_name", "name")), text(d, "ref"), text(d, "before"),
                text(d, "after"), commits(d.path("commits")), first(d.path("pusher"), "login", "username", "name"), false),
                "repository.clone_url");
    }

    /**
     * Gitea's and Forgejo's {@code create} event for a tag: {@code ref} is the tag's short name (a full
     * {@code refs/tags/} name is taken as it is), {@code sha} the commit it points at. The ref is new, so there is no
     * before. Null when the payload names no commit (Gogs and old Gitea versions send no {@code sha}).
     */
    static Push giteaTag(JsonNode d) {
        String name = text(d, "ref");
        if (name == null || name.isBlank()) {
            throw new BadEventException("gitea create event has no ref");
        }
        if (text(d, "sha") == null) {
            return null;
        }
        JsonNode repo = d.path("repository");
        String ref = name.startsWith("refs/tags/") ? name : "refs/tags/" + name;
        return checked(new Push(new Repository(first(repo, "clone_url", "html_url", "url"), first(repo, "full_name", "name")), ref,
                null, text(d, "sha"), List.of(), first(d.path("sender"), "login", "username", "name"), false), "repository.clone_url");
    }

    static Push sluice(JsonNode d) {
        JsonNode repo = d.path("repository");
        return checked(new Push(new Repository(text(repo, "url"), text(repo, "name")), text(d, "ref"), text(d, "before"),
                text(d, "after"), commits(d.path("commits")), text(d, "pusher"), d.path("forced").asBoolean(false)),
                "repository.url");
    }

    /**
     * Bitbucket Cloud's {@code repo:push}: one entry of {@code push.changes} per ref, each with the ref's {@code new}
     * and {@code old} state (null when the ref was created or deleted). A deleted ref becomes a push whose after is
     * all zeros. Bitbucket sends no file lists; analyze reads the change from git anyway.
     */
    static List<Push> bitbucket(JsonNode d) {
        JsonNode repo = d.path("repository");
        String url = first(repo.path("links").path("html"), "href");
        if (url == null && text(repo, "full_name") != null) {
            url = "https://bitbucket.org/" + text(repo, "full_name");
        }
        JsonNode changes = d.path("push").path("changes");
        if (!changes.isArray() || changes.isEmpty()) {
            throw new BadEventException("bitbucket push has no push.changes");
        }
        String pusher = first(d.path("actor"), "nickname", "display_name", "username");
        List<Push> out = new ArrayList<>();
        for (JsonNode change : changes) {
            JsonNode now = change.path("new");
            JsonNode was = change.path("old");
            JsonNode named = now.isObject() ? now : was;
            String type = text(named, "type");
            String name = text(named, "name");
            if (name == null || !("branch".equals(type) || "tag".equals(type))) {
                throw new BadEventException("bitbucket push change names no branch or tag (push.changes[].new.type and .name)");
            }
            String ref = ("tag".equals(type) ? "refs/tags/" : "refs/heads/") + name;
            String after = now.isObject() ? text(now.path("target"), "hash") : ZERO_SHA;
            String before = was.isObject() ? text(was.path("target"), "hash") : null;
            out.add(checked(new Push(new Repository(url, first(repo, "full_name", "name")), ref, before, after, List.of(), pusher,
                    change.path("forced").asBoolean(false)), "repository.links.html.href"));
        }
        return out;
    }

    /**
     * Bitbucket Data Center / Server's {@code repo:refs_changed}: one entry of {@code changes} per ref, with its full
     * name ({@code refId} or {@code ref.id}), {@code fromHash} (all zeros for a new ref) and {@code toHash} (all zeros
     * when the ref was deleted: {@code type} DELETE). The clone URL is the payload's {@code http} clone link, else its
     * {@code ssh} one; a payload without links (Atlassian's documented example has none) is cloned from
     * {@code serverUrl}{@code /scm/<project key>/<slug>.git}, as Bitbucket's own clone links are made.
     *
     * @param serverUrl the server's base URL ({@code sluice.webhooks.bitbucket-server.url}), or null
     */
    static List<Push> bitbucketServer(JsonNode d, String serverUrl) {
        JsonNode repo = d.path("repository");
        String projectKey = text(repo.path("project"), "key");
        String slug = first(repo, "slug", "name");
        String url = null;
        for (String kind : new String[] { "http", "ssh" }) {
            for (JsonNode link : repo.path("links").path("clone")) {
                if (url == null && kind.equals(text(link, "name"))) {
                    url = text(link, "href");
                }
            }
        }
        if (url == null && serverUrl != null && !serverUrl.isBlank() && projectKey != null && slug != null) {
            url = serverUrl.replaceAll("/+$", "") + "/scm/" + projectKey.toLowerCase(java.util.Locale.ROOT) + "/" + slug + ".git";
        }
        JsonNode changes = d.path("changes");
        if (!changes.isArray() || changes.isEmpty()) {
            throw new BadEventException("bitbucket-server push has no changes");
        }
        String name = projectKey != null && slug != null ? projectKey + "/" + slug : slug;
        String pusher = first(d.path("actor"), "name", "slug", "displayName");
        List<Push> out = new ArrayList<>();
        for (JsonNode change : changes) {
            String ref = first(change, "refId");
            if (ref == null) {
                ref = text(change.path("ref"), "id");
            }
            String before = text(change, "fromHash");
            String after = "DELETE".equals(text(change, "type")) ? ZERO_SHA : text(change, "toHash");
            out.add(checked(new Push(new Repository(url, name), ref, before, after, List.of(), pusher, false),
                    "repository.links.clone (or sluice.webhooks.bitbucket-server.url with repository.project.key and .slug)"));
        }
        return out;
    }

    private static Push checked(Push p, String urlField) {
        if (p.repository().url() == null || p.repository().url().isBlank()) {
            throw new BadEventException("push has no repository URL (" + urlField + ")");
        }
        if (p.ref() == null || p.ref().isBlank()) {
            throw new BadEventException("push has no ref");
        }
        if (!p.ref().startsWith("refs/heads/") && !p.ref().startsWith("refs/tags/")) {
            throw new BadEventException("push ref '" + p.ref() + "' is neither a branch (refs/heads/...) nor a tag (refs/tags/...)");
        }
        if (p.after() == null || !SHA.matcher(p.after()).matches()) {
            throw new BadEventException("push field 'after' must be a commit id (40 hex digits), got " + quote(p.after()));
        }
        if (p.before() != null && !p.before().isEmpty() && !SHA.matcher(p.before()).matches()) {
            throw new BadEventException("push field 'before' must be a commit id (40 hex digits) or absent, got " + quote(p.before()));
        }
        // what the runs table holds (V1__runs_inbox_outbox.sql): refused here, not failed on when the run is written
        requireLength(p.repository().url(), urlField, 2000);
        requireLength(p.repository().name(), "repository name", 500);
        requireLength(p.ref(), "ref", 1000);
        requireLength(p.pusher(), "pusher", 500);
        return p;
    }

    private static void requireLength(String value, String field, int max) {
        if (value != null && value.length() > max) {
            throw new BadEventException("push field '" + field + "' is " + value.length() + " characters long: at most " + max
                    + " are accepted");
        }
    }

    /** A deletion: the ref now points at nothing. */
    public static boolean isDeletion(Push p) {
        return p.after().chars().allMatch(c -> c == '0');
    }

    /** Whether {@code before} names no commit (a first push or a new branch). */
    public static boolean isNewRef(Push p) {
        return p.before() == null || p.before().isEmpty() || p.before().chars().allMatch(c -> c == '0');
    }

    private static List<Commit> commits(JsonNode arr) {
        List<Commit> out = new ArrayList<>();
        if (arr.isArray()) {
            for (JsonNode c : arr) {
                out.add(new Commit(text(c, "id"), strings(c.path("added")), strings(c.path("modified")), strings(c.path("removed"))));
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        if (arr.isArray()) {
            arr.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static String first(JsonNode n, String... fields) {
        for (String f : fields) {
            String v = text(n, f);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
