package dev.sluice.analyze;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;

/**
 * The reason a broken {@code .sluice.yaml} fails a run. For a YAML syntax error, SettingsException's message
 * sometimes names the line where the parser's context began ("while scanning for the next token", line 3)
 * instead of the line of the problem (a tab on line 4), and drops the problem: here both come from the
 * problem mark of SnakeYAML's exception.
 */
final class SettingsError {
    private SettingsError() {
    }

    static String describe(SettingsException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null && yaml.getProblem() != null) {
                Mark at = yaml.getProblemMark();
                String context = yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")";
                return SluiceSettings.FILE + " does not parse at line " + (at.getLine() + 1) + ", column "
                        + (at.getColumn() + 1) + ": " + yaml.getProblem() + context;
            }
        }
        return e.getMessage();
    }
}
