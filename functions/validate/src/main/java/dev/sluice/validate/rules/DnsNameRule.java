package dev.sluice.validate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/**
 * Names the API server refuses: object names must be DNS-1123 subdomains (Services and Knative Services
 * DNS-1035 labels, Namespaces DNS-1123 labels), container names DNS-1123 labels, and port names IANA service
 * names. RBAC objects may use any path segment ("system:..."), so they are not checked.
 */
@ApplicationScoped
public class DnsNameRule extends DescribedRule implements ObjectRule {
    static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    static final Pattern LABEL_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Set<String> ANY_PATH_SEGMENT = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");

    public DnsNameRule() {
        super("dns-name", Severity.ERROR, "An object, container or port name that is not a valid DNS name as the API server requires.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        List<ManifestFinding> findings = new ArrayList<>();
        String problem = object.name() == null ? null : nameProblem(object);
        if (problem != null) {
            findings.add(finding(object, "/metadata/name", object.label() + ": name '" + object.name() + "' " + problem,
                    "use lower-case letters, digits and '-', starting and ending with a letter or digit"));
        }
        for (PodSpecs.Container c : PodSpecs.containers(object)) {
            if (c.name() != null && !(c.name().length() <= 63 && LABEL_1123.matcher(c.name()).matches())) {
                findings.add(finding(object, c.pointer() + "/name", object.label() + ": container name '" + c.name()
                        + "' is not a DNS-1123 label", "use at most 63 lower-case letters, digits and '-'"));
            }
            JsonNode ports = c.node().path("ports");
            for (int i = 0; i < ports.size(); i++) {
                String port = ports.get(i).path("name").asText(null);
                if (port != null && !portName(port)) {
                    findings.add(finding(object, c.pointer() + "/ports/" + i + "/name", object.label() + ": port name '" + port
                            + "' is not an IANA service name", "use at most 15 lower-case letters, digits and '-', with a letter"));
                }
            }
        }
        return findings;
    }

    private static String nameProblem(ManifestObject o) {
        String name = o.name();
        if (ANY_PATH_SEGMENT.contains(o.kind())) {
            return name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")
                    ? "may not be '.', '..' or contain '/' or '%'" : null;
        }
        boolean service = "Service".equals(o.kind()) && ("".equals(o.group()) || PodSpecs.isKnative(o));
        if (service) {
            return name.length() <= 63 && LABEL_1035.matcher(name).matches() ? null
                    : "is not a DNS-1035 label (at most 63 characters, starting with a letter)";
        }
        if ("Namespace".equals(o.kind())) {
            return name.length() <= 63 && LABEL_1123.matcher(name).matches() ? null : "is not a DNS-1123 label";
        }
        return name.length() <= 253 && SUBDOMAIN.matcher(name).matches() ? null : "is not a DNS-1123 subdomain";
    }

    private static boolean portName(String name) {
        return name.length() <= 15 && PORT_NAME.matcher(name).matches() && !name.contains("--")
                && name.chars().anyMatch(Character::isLetter);
    }
}
