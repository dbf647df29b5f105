package dev.sluice.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The traffic block of a Knative Service at each point of a rollout. The new revision carries the tag
 * {@value #TAG} while it is being tried, which gives it a URL of its own for the probe.
 */
final class CanaryTraffic {
    private CanaryTraffic() {
    }

    static final String TAG = "canary";

    /** {@code percent} to the new revision (tagged), the rest to the previous one. */
    static ArrayNode split(ServiceRevision r, int percent) {
        ArrayNode traffic = JsonNodeFactory.instance.arrayNode();
        if (percent < 100) {
            traffic.addObject().put("revisionName", r.previous()).put("percent", 100 - percent);
        }
        traffic.addObject().put("revisionName", r.revision()).put("percent", percent).put("tag", TAG);
        return traffic;
    }

    /** All traffic to one revision, untagged: where a verified release settles and where a rollback returns. */
    static ArrayNode all(String revision) {
        ArrayNode traffic = JsonNodeFactory.instance.arrayNode();
        traffic.addObject().put("revisionName", revision).put("percent", 100);
        return traffic;
    }

    /** All traffic to whatever revision is latest: a new Service, which has no older revision to share with. */
    static ArrayNode latest() {
        ArrayNode traffic = JsonNodeFactory.instance.arrayNode();
        traffic.addObject().put("latestRevision", true).put("percent", 100);
        return traffic;
    }
}
