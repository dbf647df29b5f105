package dev.sluice.validate;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.sluice.settings.SluiceSettings;

/**
 * The {@code validation:} section of {@code .sluice.yaml}: a severity per rule id ({@code error}, {@code warning},
 * {@code info}, or {@code off} to drop the rule) and {@code failOnWarnings}.
 */
public record ValidationSettings(boolean failOnWarnings, Map<String, String> severities) {

    public static final ValidationSettings DEFAULTS = new ValidationSettings(false, Map.of());

    public static ValidationSettings of(SluiceSettings settings) {
        SluiceSettings.Validation v = settings == null ? null : settings.validation();
        if (v == null) {
            return DEFAULTS;
        }
        Map<String, String> severities = new TreeMap<>();
        if (v.rules() != null) {
            v.rules().forEach((id, r) -> severities.put(id, r == null || r.severity() == null ? "" : r.severity().toLowerCase(Locale.ROOT)));
        }
        return new ValidationSettings(Boolean.TRUE.equals(v.failOnWarnings()), Map.copyOf(severities));
    }

    public boolean off(String ruleId) {
        return "off".equals(severities.get(ruleId));
    }

    /** The severity a finding of this rule carries: the configured one, else the rule's own. */
    public Severity severity(String ruleId, Severity byDefault) {
        String s = severities.get(ruleId);
        if (s == null || s.equals("off")) {
            return byDefault;
        }
        return Severity.valueOf(s.toUpperCase(Locale.ROOT));
    }
}
