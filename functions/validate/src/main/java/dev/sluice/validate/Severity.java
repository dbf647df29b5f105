package dev.sluice.validate;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** How much a finding matters: only errors fail the validation gate. */
public enum Severity {
    ERROR, WARNING, INFO;

    /** The lower-case name used in events, reports and summaries ("error", "warning", "info"). */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
