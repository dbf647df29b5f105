package dev.sluice.settings;

import java.util.regex.Pattern;

/**
 * Which project a run, a release and an environment belong to: the one {@code .sluice.yaml} names ({@code project:}),
 * else the repository's own, named by its URL without scheme, credentials, port and {@code .git}, so the HTTPS and
 * SSH addresses of one repository name one project ({@code https://github.com/acme/shop.git} and
 * {@code git@github.com:acme/shop} are both {@code github.com/acme/shop}). A named project holds no '/', so a
 * repository cannot name itself into another repository's own project; repositories that name the same project
 * share its environments on purpose. V32 backfills existing rows with the same rules in SQL: keep the two in step.
 */
public final class Projects {
    private Projects() {
    }

    /** What {@code project:} may be. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** @param named the project {@code .sluice.yaml} names, or null */
    public static String of(String named, String repositoryUrl) {
        if (named != null && !named.isBlank()) {
            return named;
        }
        return ofRepository(repositoryUrl);
    }

    /** The project a repository is by itself. */
    public static String ofRepository(String repositoryUrl) {
        if (repositoryUrl == null) {
            return null;
        }
        String u = repositoryUrl.trim();
        u = u.replaceFirst("^file://", "");
        u = u.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://([^/@]*@)?([^/:]+)(:[0-9]*)?", "$2");
        u = u.replaceFirst("^[^/@:]+@([^/:]+):", "$1/");
        u = u.replaceFirst("/+$", "").replaceFirst("\\.git$", "").replaceFirst("/+$", "");
        return u.isEmpty() ? repositoryUrl.trim() : u;
    }
}
