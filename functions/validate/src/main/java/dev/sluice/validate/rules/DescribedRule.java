package dev.sluice.validate.rules;

import dev.sluice.validate.Severity;

/** A rule whose id, default severity and description are fixed when it is declared. */
public abstract class DescribedRule implements ManifestRule {
    private final String id;
    private final Severity severity;
    private final String description;

    protected DescribedRule(String id, Severity severity, String description) {
        this.id = id;
        this.severity = severity;
        this.description = description;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public String description() {
        return description;
    }
}
