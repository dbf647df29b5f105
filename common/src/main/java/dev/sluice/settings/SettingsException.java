package dev.sluice.settings;

/** A {@code .sluice.yaml} that does not parse or holds a value Sluice cannot use: the run fails with this reason. */
public class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
