package dev.sluice.validate.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sluice.validate.ManifestFinding;
import dev.sluice.validate.ManifestObject;
import dev.sluice.validate.Severity;

/** An Ingress with no {@code spec.tls}: it serves plain HTTP. Polaris' tlsSettingsMissing (warning by default). */
@ApplicationScoped
public class IngressTlsRule extends DescribedRule implements ObjectRule {
    public IngressTlsRule() {
        super("ingress-tls", Severity.WARNING, "An Ingress without TLS.");
    }

    @Override
    public List<ManifestFinding> check(ManifestObject object, ValidationScope scope) {
        if (!"Ingress".equals(object.kind()) || !object.group().startsWith("networking.k8s.io") && !object.group().equals("extensions")
                || object.at("/spec/tls").size() > 0) {
            return List.of();
        }
        return List.of(finding(object, "/spec", object.label() + " has no tls: it serves plain HTTP",
                "add spec.tls with the hosts and the Secret holding their certificate (cert-manager can issue it)"));
    }
}
