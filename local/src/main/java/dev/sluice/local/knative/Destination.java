package dev.sluice.local.knative;

import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Knative Destination (a Trigger's subscriber, a dead-letter sink): a {@code ref} to an addressable
 * object, a {@code uri}, or a ref plus a relative uri. {@link #target} says where the local broker posts.
 */
public record Destination(String refApiVersion, String refKind, String refName, String uri) {
    /** The Knative Services of the functions are named sluice-&lt;function&gt;. */
    private static final String FUNCTION_PREFIX = "sluice-";

    public static Destination from(JsonNode node, String where) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new IllegalStateException(where + ": no destination");
        }
        JsonNode ref = node.path("ref");
        String uri = text(node.path("uri"));
        if (ref.isMissingNode() || ref.isNull()) {
            if (uri == null) {
                throw new IllegalStateException(where + ": a destination needs a ref or a uri");
            }
            return new Destination(null, null, null, uri);
        }
        String name = text(ref.path("name"));
        String kind = text(ref.path("kind"));
        if (name == null || kind == null) {
            throw new IllegalStateException(where + ": ref needs kind and name");
        }
        return new Destination(text(ref.path("apiVersion")), kind, name, uri);
    }

    /**
     * Where the local broker posts: a path on this process ({@code /fn/route}, {@code /dead-letter},
     * {@code /broker}) or an absolute URL. A path is kept as a path so it follows the port of whichever
     * process delivers it.
     */
    public String target(String brokerName, String where) {
        return target(brokerName, Map.of(), where);
    }

    /**
     * As {@link #target(String, String)}, but a ref to Service {@code sluice-<function>} named in {@code functionUrls}
     * (function name to base URL: the broker-only mode, each function in a process or container of its own) is that
     * URL, plus the ref's relative uri if any.
     */
    public String target(String brokerName, Map<String, String> functionUrls, String where) {
        String function = refName != null && "Service".equals(refKind) && refName.startsWith(FUNCTION_PREFIX)
                ? refName.substring(FUNCTION_PREFIX.length()) : null;
        if (function != null && functionUrls.containsKey(function)) {
            String base = functionUrls.get(function).replaceAll("/+$", "");
            return base + (uri == null ? "/" : uri.startsWith("/") ? uri : "/" + uri);
        }
        if (refName == null) {
            URI u = URI.create(uri);
            if (!u.isAbsolute()) {
                throw new IllegalStateException(where + ": uri " + uri + " without a ref must be absolute");
            }
            return uri;
        }
        if (uri != null) {
            if (URI.create(uri).isAbsolute()) {
                throw new IllegalStateException(where + ": with a ref, uri must be a path relative to it, not " + uri);
            }
            return uri.startsWith("/") ? uri : "/" + uri;
        }
        if ("Broker".equals(refKind) && refName.equals(brokerName)) {
            return "/broker";
        }
        if ("Service".equals(refKind) && refName.startsWith(FUNCTION_PREFIX) && refName.length() > FUNCTION_PREFIX.length()) {
            return "/fn/" + refName.substring(FUNCTION_PREFIX.length());
        }
        throw new IllegalStateException(where + ": the local broker cannot address " + refKind + " " + refName
                + " (it knows Services named sluice-<function> and Broker " + brokerName + "; add a uri)");
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
