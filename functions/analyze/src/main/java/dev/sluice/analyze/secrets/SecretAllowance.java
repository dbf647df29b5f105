package dev.sluice.analyze.secrets;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.settings.SluiceSettings;
import dev.sluice.analyze.AddedLine;

/**
 * Known false positives, each allowed with a reason: a {@code sluice:allow <reason>} marker on the line itself,
 * or an {@code analysis.allow} entry of {@code .sluice.yaml} (rule, path glob and/or fingerprint; every given
 * field must match). An allowed finding is reported with its reason; it does not reject.
 */
public final class SecretAllowance {
    private SecretAllowance() {
    }

    public static final String INLINE = "inline";
    public static final String SETTINGS = SluiceSettings.FILE;
    private static final Pattern MARKER = Pattern.compile("sluice:allow(?:\\s+(.*?))?\\s*(?:\\*/|-->|#}|$)");

    public record Split(List<SecretFinding> blocking, List<AllowedSecret> allowed) {
    }

    public static Split apply(List<SecretFinding> findings, List<AddedLine> lines, List<SluiceSettings.Allow> entries) {
        Map<String, String> markers = new HashMap<>();
        for (AddedLine l : lines) {
            int at = l.text().indexOf("sluice:allow");
            if (at >= 0) {
                Matcher m = MARKER.matcher(l.text().substring(at));
                String reason = m.find() && m.group(1) != null ? m.group(1).trim() : "";
                markers.put(l.file() + ":" + l.line(), reason);
            }
        }
        List<SecretFinding> blocking = new ArrayList<>();
        List<AllowedSecret> allowed = new ArrayList<>();
        for (SecretFinding f : findings) {
            String reason = markers.get(f.file() + ":" + f.line());
            // A marker without a reason allows nothing: the reason is the point.
            if (reason != null && !reason.isEmpty()) {
                allowed.add(new AllowedSecret(f.kind(), f.file(), f.line(), f.fingerprint(), reason, INLINE));
                continue;
            }
            SluiceSettings.Allow entry = entries.stream().filter(a -> matches(a, f)).findFirst().orElse(null);
            if (entry != null) {
                allowed.add(new AllowedSecret(f.kind(), f.file(), f.line(), f.fingerprint(), entry.reason(), SETTINGS));
            } else {
                blocking.add(f);
            }
        }
        return new Split(List.copyOf(blocking), List.copyOf(allowed));
    }

    private static boolean matches(SluiceSettings.Allow a, SecretFinding f) {
        boolean rule = a.rule() == null || a.rule().equals(SecretScan.FACTOR) || a.rule().equals(f.kind());
        boolean path = a.path() == null || a.path().equals(f.file())
                || FileSystems.getDefault().getPathMatcher("glob:" + a.path()).matches(Path.of(f.file()));
        boolean fingerprint = a.fingerprint() == null || a.fingerprint().equalsIgnoreCase(f.fingerprint());
        return rule && path && fingerprint;
    }
}
