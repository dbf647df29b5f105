package dev.sluice.validate.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Quantity;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * Resource quantities that cannot be meant: a request above its limit (the API server refuses the pod: an error),
 * a CPU quantity above 64 cores ({@code cpu: 500} written for 500m), a memory quantity under 4Mi ({@code memory: 512m}
 * is half a byte; {@code memory: 128} is 128 bytes) or above 1Ti (warnings). None of the three tools checks this by
 * default (Polaris documents ranges only as custom checks); warning by default.
 */
@ApplicationScoped
public class ResourceRangesRule extends ContainerRule {
    static final BigDecimal MAX_CPU = new BigDecimal(64);
    static final BigDecimal MIN_MEMORY = new BigDecimal(4L << 20);
    static final BigDecimal MAX_MEMORY = new BigDecimal(1L << 40);

    public ResourceRangesRule() {
        super("resource-ranges", Severity.WARNING,
                "A resource request above its limit, or a CPU or memory quantity far outside what a container can use.");
    }

    @Override
    protected List<ManifestFinding> check(ManifestObject object, PodSpecs.Container c, JsonNode pod) {
        List<ManifestFinding> findings = new ArrayList<>();
        JsonNode resources = c.node().path("resources");
        String base = c.pointer() + "/resources";
        for (String resource : List.of("cpu", "memory")) {
            BigDecimal request = amount(resources.path("requests").path(resource));
            BigDecimal limit = amount(resources.path("limits").path(resource));
            if (request != null && limit != null && request.compareTo(limit) > 0) {
                findings.add(object.finding(id(), Severity.ERROR, category(), base + "/requests/" + resource,
                        describe(object, c) + " requests " + resource + " " + resources.path("requests").path(resource).asText()
                                + ", above its limit " + resources.path("limits").path(resource).asText()
                                + ": the API server refuses the pod",
                        "make resources.requests." + resource + " at most resources.limits." + resource));
            }
            for (String kind : List.of("requests", "limits")) {
                JsonNode q = resources.path(kind).path(resource);
                BigDecimal v = amount(q);
                String problem = v == null ? null : resource.equals("cpu") ? cpu(v) : memory(v);
                if (problem != null) {
                    findings.add(finding(object, base + "/" + kind + "/" + resource, describe(object, c) + " " + kind + " "
                            + resource + " " + q.asText() + ", " + problem, resource.equals("cpu")
                                    ? "write CPU in cores or millicores: 500m is half a core, 2 is two cores"
                                    : "write memory with a binary suffix: 256Mi, 2Gi (m means thousandths of a byte)"));
                }
            }
        }
        return findings;
    }

    private static String cpu(BigDecimal cores) {
        return cores.compareTo(MAX_CPU) > 0 ? "more than " + MAX_CPU + " cores (millicores are written 500m)" : null;
    }

    private static String memory(BigDecimal bytes) {
        if (bytes.signum() > 0 && bytes.compareTo(MIN_MEMORY) < 0) {
            return "less than 4Mi: " + bytes.stripTrailingZeros().toPlainString() + " bytes";
        }
        return bytes.compareTo(MAX_MEMORY) > 0 ? "more than 1Ti" : null;
    }

    /** The quantity in base units (cores, bytes), or null when it is not one (the schema rule says so). */
    static BigDecimal amount(JsonNode q) {
        if (!(q.isTextual() || q.isNumber()) || q.asText().isBlank()) {
            return null;
        }
        try {
            return Quantity.getAmountInBytes(new Quantity(q.asText()));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
