package dev.sluice.validate.rules;

/**
 * What a run's validation is for: the environment and the namespace objects without their own namespace
 * land in. Both are null when the pushed ref maps to no environment (the commit is checked, not deployed).
 */
public record ValidationScope(String environment, String namespace) {
}
