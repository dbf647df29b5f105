package dev.sluice.settings;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The settings of one run, resolved from {@code .sluice.yaml} at the pushed commit for the pushed ref.
 * {@code environment} is null when the ref maps to no environment: the run is checked, not deployed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResolvedSettings(String environment, String namespace, String strategy, String approval,
        SluiceSettings.Canary canary, List<String> manifests, SluiceSettings.Risk risk, SluiceSettings.Limits limits) {
}
