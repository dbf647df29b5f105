package dev.sluice.settings;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The settings of one run, resolved from {@code .sluice.yaml} at the pushed commit for the pushed ref.
 * {@code environment} is null when the ref maps to no environment: the run is checked, not deployed.
 * {@code project} is the project {@code .sluice.yaml} names (null: the repository's own, {@link Projects#of});
 * {@code shared} whether the environment's namespace may be shared with other projects. {@code tests}: the test gate,
 * null for none.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResolvedSettings(String project, Boolean shared, String environment, String namespace, String strategy, String approval,
        SluiceSettings.Canary canary, List<String> manifests, SluiceSettings.Risk risk, SluiceSettings.Limits limits,
        SluiceSettings.Tests tests) {
}
