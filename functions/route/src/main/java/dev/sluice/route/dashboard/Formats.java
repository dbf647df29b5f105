package dev.sluice.route.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateGlobal;

/** What the templates call on times, commits and states, and where htmx is served from. */
final class Formats {
    private Formats() {
    }

    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** The webjars' paths under /webjars (their META-INF/resources), with the versions Maven resolved. */
    @TemplateGlobal
    static final String htmx = webjar("htmx.org", "dist/htmx.min.js");
    @TemplateGlobal
    static final String htmxSse = webjar("htmx-ext-sse", "sse.js");

    /** "12 s ago", "5 min ago", "3 h ago", "2 d ago", as of rendering; the exact time is the title beside it. */
    @TemplateExtension
    static String ago(Instant t) {
        long s = Math.max(0, Duration.between(t, Instant.now()).getSeconds());
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 86400) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " d ago";
    }

    @TemplateExtension
    static String exact(Instant t) {
        return EXACT.format(t);
    }

    @TemplateExtension
    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** A commit's first 12 characters. */
    @TemplateExtension
    static String shortSha(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(12, sha.length()));
    }

    /** A value for a link's query string. */
    @TemplateExtension
    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The colour group of a run state (or a release outcome, a health reading, a severity), for the CSS. */
    @TemplateExtension
    static String tone(String state) {
        if (state == null) {
            return "neutral";
        }
        return switch (state.toUpperCase()) {
            case "SUCCEEDED", "VERIFIED", "HEALTHY", "APPROVE", "CREATE", "PASSED" -> "good";
            case "FAILED", "REJECTED", "ROLLED_BACK", "ERROR", "REJECT", "TIMED_OUT" -> "bad";
            case "AWAITING_APPROVAL", "QUEUED", "WARNING", "NEEDS_REVIEW", "PENDING", "CHANGE" -> "wait";
            case "RECEIVED", "ANALYZING", "VALIDATING", "TESTING", "DEPLOYING", "IN_PROGRESS" -> "busy";
            default -> "neutral";
        };
    }

    private static String webjar(String name, String file) {
        String pom = "META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
        try (InputStream in = Formats.class.getClassLoader().getResourceAsStream(pom)) {
            if (in == null) {
                throw new IllegalStateException("the webjar " + name + " is not on the class path (" + pom + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return "/webjars/" + name + "/" + p.getProperty("version") + "/" + file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
