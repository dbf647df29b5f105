package dev.sluice.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.sluice.deploy.ReleasePlan.Action;

/**
 * Names the revision each Knative Service of a release runs. A Service whose template changed (or that is new, or
 * whose live template is not the revision that serves) gets a revision named for the release, so a canary can
 * address it and the ledger can tell which release made it; an unchanged one keeps the revision that serves.
 */
final class KnativeRevisions {
    private KnativeRevisions() {
    }

    static final String GROUP = "serving.knative.dev";
    /** Knative's limit for a revision name (it names the revision's Kubernetes Service "<name>-private"). */
    static final int MAX_NAME = 55;

    /** What the cluster says about a Service now: its template's revision name and the revision taking most traffic. */
    record Live(String templateName, String serving) {
    }

    interface LiveServices {
        Optional<Live> find(String namespace, String service);
    }

    static boolean isKnativeService(RenderedObject o) {
        return GROUP.equals(o.group()) && "Service".equals(o.kind());
    }

    /**
     * Decides each Knative Service's revision and writes its name into the rendered object's template.
     *
     * @param previous the revisions of the last verified release (empty for a first release)
     */
    static List<ServiceRevision> assign(List<RenderedObject> objects, ReleasePlan plan, List<ServiceRevision> previous,
            LiveServices live, String releaseId, int number) {
        Map<String, Action> actions = new HashMap<>();
        for (ReleasePlan.PlannedObject p : plan.objects()) {
            actions.put(p.namespace() + "/" + p.kind() + "/" + p.apiVersion() + "/" + p.name(), p.action());
        }
        List<ServiceRevision> out = new ArrayList<>();
        for (RenderedObject o : objects) {
            if (!isKnativeService(o)) {
                continue;
            }
            Optional<Live> now = live.find(o.namespace(), o.name());
            String before = previous.stream().filter(r -> r.service().equals(o.name()) && r.namespace().equals(o.namespace()))
                    .map(ServiceRevision::revision).findFirst()
                    .orElse(now.map(Live::serving).orElse(null));
            Action action = actions.getOrDefault(o.namespace() + "/" + o.kind() + "/" + o.apiVersion() + "/" + o.name(), Action.CREATE);
            boolean keep = before != null && action == Action.UNCHANGED
                    && now.map(l -> before.equals(l.templateName())).orElse(false);
            String revision = keep ? before : name(o.name(), releaseId, number);
            o.object().withObjectProperty("spec").withObjectProperty("template").withObjectProperty("metadata")
                    .put("name", revision);
            out.add(new ServiceRevision(o.namespace(), o.name(), revision, before));
        }
        return List.copyOf(out);
    }

    /**
     * {@code <service>-<release id>} when it fits, else {@code <service>-r<number>-<digest of the release id>}.
     * Knative wants a revision name to start with its Service's name.
     */
    static String name(String service, String releaseId, int number) {
        String suffix = releaseId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-")
                .replaceAll("^-|-$", "");
        String name = service + "-" + suffix;
        if (name.length() <= MAX_NAME) {
            return name;
        }
        name = service + "-r" + number + "-" + digest(releaseId);
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("Knative Service " + service + " has a name too long (" + service.length()
                    + " characters) for a revision named per release; keep it under " + (MAX_NAME - 12));
        }
        return name;
    }

    private static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
