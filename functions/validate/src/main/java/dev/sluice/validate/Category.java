package dev.sluice.validate;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What kind of problem a finding is. Schema findings mean the API server would refuse the object as written;
 * policy findings are about objects it would accept; dry-run findings are a real cluster's refusals. The report
 * and the SARIF rendering keep them apart so a user knows which list to fix first.
 */
public enum Category {
    SCHEMA, POLICY, DRY_RUN;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
