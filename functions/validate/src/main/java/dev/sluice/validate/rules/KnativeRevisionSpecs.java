package dev.sluice.validate.rules;

import dev.sluice.validate.ManifestObject;

/** Where a Knative Service, Configuration or Revision keeps its revision spec and the revision's annotations. */
final class KnativeRevisionSpecs {
    private KnativeRevisionSpecs() {
    }

    /** "/spec/template/spec" for a Service or Configuration, "/spec" for a Revision, null otherwise. */
    static String spec(ManifestObject o) {
        return PodSpecs.isKnative(o) ? PodSpecs.podSpecPointer(o) : null;
    }

    /** Where the revision's annotations are (autoscaling settings live there). */
    static String annotations(ManifestObject o) {
        String spec = spec(o);
        if (spec == null) {
            return null;
        }
        return spec.equals("/spec") ? "/metadata/annotations" : "/spec/template/metadata/annotations";
    }
}
