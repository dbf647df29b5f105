package dev.sluice.validate.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import dev.sluice.tests.JUnitReports;

/**
 * How a test container hands its JUnit XML reports and its command's exit code back through its log, and how that log is
 * read: the {@link #WRAPPER} shell script copies the read-only checkout into the writable work folder, runs the command,
 * then prints each report file matching the globs (gzip, when the image has it, then base64) between marker lines, and
 * last the exit code:
 *
 * <pre>
 * ##sluice## reports-begin files=2 encoding=gzip+base64
 * ##sluice## report target/surefire-reports/TEST-shop.CartTest.xml
 * H4sIAAAAAAAAA+1Y23LbNhB9z1dg+N6IpK6RbXnSxu1Mp5nW...
 * ##sluice## reports-end
 * ##sluice## exit-code 1
 * </pre>
 *
 * Reports over the byte cap are not printed ({@code reports-oversized}); an image without {@code base64} says so
 * ({@code reports-unavailable}). The script needs {@code sh}, {@code cp}, {@code find}, {@code sort}, {@code wc} and
 * {@code base64} (coreutils or busybox); {@code gzip} is optional. The last block of the log counts: a command that prints
 * lines like these itself cannot hide the wrapper's, which come after it.
 */
final class PodLogReports {
    static final String MARK = "##sluice## ";
    /** At most this many report files; more is treated as oversized. */
    static final int MAX_FILES = 1000;

    /**
     * Run as {@code sh -c WRAPPER sluice-tests <command...>}: the arguments after the script name are the command. Reads
     * {@code SLUICE_SOURCE}, {@code SLUICE_WORKDIR}, {@code SLUICE_REPORT_PATTERNS} (find -path patterns, one a line)
     * and {@code SLUICE_REPORTS_MAX_BYTES}.
     */
    static final String WRAPPER = """
            set -f
            m='##sluice##'
            src="${SLUICE_SOURCE:-/src}"
            work="${SLUICE_WORKDIR:-/work}"
            max="${SLUICE_REPORTS_MAX_BYTES:-8388608}"
            if ! cp -R "$src/." "$work/" || ! cd "$work"; then
              echo "$m copy-failed could not copy $src to $work"
              echo "$m exit-code 125"
              exit 125
            fi
            "$@"
            code=$?
            nl='
            '
            IFS="$nl"
            list=''
            for p in $SLUICE_REPORT_PATTERNS; do
              found=$(find . -path ./.git -prune -o -type f -path "$p" -print 2>/dev/null)
              if [ -n "$found" ]; then list="$list$found$nl"; fi
            done
            list=$(printf '%s' "$list" | sort -u)
            total=0
            count=0
            for f in $list; do
              size=$(wc -c < "$f" | tr -d ' ')
              total=$((total + size))
              count=$((count + 1))
            done
            if ! command -v base64 >/dev/null 2>&1; then
              echo "$m reports-unavailable the test image has no base64 command"
            elif [ "$total" -gt "$max" ] || [ "$count" -gt MAX_FILES ]; then
              echo "$m reports-oversized files=$count bytes=$total max=$max"
            else
              enc=base64
              if command -v gzip >/dev/null 2>&1; then enc=gzip+base64; fi
              echo "$m reports-begin files=$count encoding=$enc"
              for f in $list; do
                echo "$m report ${f#./}"
                if [ "$enc" = gzip+base64 ]; then gzip -c < "$f" | base64; else base64 < "$f"; fi
              done
              echo "$m reports-end"
            fi
            echo "$m exit-code $code"
            exit "$code"
            """.replace("MAX_FILES", String.valueOf(MAX_FILES));

    /**
     * Run as {@code sh -c CHECKOUT} in the init container: a repository in {@code SLUICE_SOURCE} with only
     * {@code SLUICE_SHA} fetched (shallow) when the server gives a commit by its id, else the branches and tags fetched
     * whole; then that commit checked out. {@code SLUICE_REPOSITORY} is the remote. Values come from the environment,
     * never spliced into the script.
     */
    static final String CHECKOUT = """
            set -eu
            cd "${SLUICE_SOURCE:-/src}"
            git init -q .
            git remote add origin "$SLUICE_REPOSITORY"
            if git fetch -q --depth 1 origin "$SLUICE_SHA"; then
              echo "fetched $SLUICE_SHA alone (shallow)"
            else
              echo "the server does not give $SLUICE_SHA by its id: fetching its branches and tags"
              git fetch -q --tags origin '+refs/heads/*:refs/remotes/origin/*'
            fi
            git -c advice.detachedHead=false checkout -q "$SLUICE_SHA"
            echo "checked out $SLUICE_SHA"
            """;

    private static final Pattern BEGIN = Pattern.compile("reports-begin files=(\\d+) encoding=(gzip\\+base64|base64)");
    private static final Pattern EXIT = Pattern.compile("exit-code (-?\\d{1,9})");

    private PodLogReports() {
    }

    /**
     * What the log says. {@code exitCode}: the command's, null when the log has no exit-code line; {@code files}:
     * report name to bytes, only those matching the globs; {@code problem}: why the reports cannot be used (malformed,
     * oversized, missing tools), or null. No block at all (the command matched no file) is no problem and no files.
     */
    record Result(Integer exitCode, Map<String, byte[]> files, String problem) {
    }

    /** The bytes of the log window to keep: the reports' cap as base64 of gzip, with room for names and markers. */
    static int window(int maxBytes) {
        long w = 2L * maxBytes + 1024L * 1024;
        return (int) Math.min(w, Integer.MAX_VALUE - 16);
    }

    /** Reads the stream to its end, keeping only its last {@code window} bytes. */
    static String tail(InputStream in, int window) throws IOException {
        byte[] ring = new byte[Math.max(1024, window)];
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0;) {
            for (int i = 0; i < n;) {
                int at = (int) (total % ring.length);
                int len = Math.min(n - i, ring.length - at);
                System.arraycopy(buf, i, ring, at, len);
                i += len;
                total += len;
            }
        }
        if (total <= ring.length) {
            return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
        }
        int start = (int) (total % ring.length);
        byte[] ordered = new byte[ring.length];
        System.arraycopy(ring, start, ordered, 0, ring.length - start);
        System.arraycopy(ring, 0, ordered, ring.length - start, start);
        return new String(ordered, StandardCharsets.UTF_8);
    }

    /** Parses the end of a test container's log; never throws for what the log holds. */
    static Result parse(String log, List<String> globs, int maxBytes) {
        List<String> lines = log.lines().toList();
        int exitAt = -1;
        Integer exitCode = null;
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = lines.get(i).startsWith(MARK) ? EXIT.matcher(lines.get(i).substring(MARK.length())) : null;
            if (m != null && m.matches()) {
                exitAt = i;
                exitCode = Integer.valueOf(m.group(1));
                break;
            }
        }
        int end = exitAt < 0 ? lines.size() : exitAt;
        // the wrapper's last word before the exit code (or the end of the log)
        int blockAt = -1;
        for (int i = end - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (l.startsWith(MARK + "reports-") || l.startsWith(MARK + "copy-failed")) {
                blockAt = i;
                break;
            }
        }
        if (blockAt < 0) {
            return new Result(exitCode, Map.of(), null);
        }
        String word = lines.get(blockAt).substring(MARK.length());
        if (word.startsWith("copy-failed")) {
            return new Result(exitCode, Map.of(), "the test container " + word.substring("copy-failed ".length()).trim());
        }
        if (word.startsWith("reports-oversized")) {
            return new Result(exitCode, Map.of(), "the test reports are too large to read back: " + word.substring(18).trim()
                    + " (the cap is sluice.validate.tests.max-report-bytes)");
        }
        if (word.startsWith("reports-unavailable")) {
            return new Result(exitCode, Map.of(), "the reports could not be read back: " + word.substring(20).trim());
        }
        if (word.startsWith("reports-end")) {
            int beginAt = -1;
            for (int i = blockAt - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(MARK + "reports-begin")) {
                    beginAt = i;
                    break;
                }
            }
            if (beginAt < 0) {
                return new Result(exitCode, Map.of(), "malformed report block in the test container's log: an end marker "
                        + "without its beginning (the log window holds only the last " + window(maxBytes) + " bytes)");
            }
            return block(lines.subList(beginAt, blockAt), globs, maxBytes, exitCode);
        }
        if (word.startsWith("reports-begin")) {
            return new Result(exitCode, Map.of(), "malformed report block in the test container's log: it begins but never ends "
                    + "(the container was stopped while printing its reports, or they are cut)");
        }
        return new Result(exitCode, Map.of(), "malformed report block in the test container's log: unknown marker '"
                + cut(word) + "'");
    }

    private static Result block(List<String> lines, List<String> globs, int maxBytes, Integer exitCode) {
        Matcher begin = BEGIN.matcher(lines.get(0).substring(MARK.length()));
        if (!begin.matches()) {
            return bad(exitCode, "its first line '" + cut(lines.get(0)) + "' does not say how many files and their encoding");
        }
        boolean gzip = begin.group(2).startsWith("gzip");
        List<Pattern> matchers = globs.stream().map(PodLogReports::globRegex).toList();
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        String name = null;
        StringBuilder data = new StringBuilder();
        List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
        body.add(MARK + "report "); // flushes the last file
        int count = 0;
        for (String line : body) {
            if (!line.startsWith(MARK)) {
                if (name == null) {
                    return bad(exitCode, "data before the first file name");
                }
                data.append(line.strip());
                if (data.length() > 2L * maxBytes + 64) {
                    return new Result(exitCode, Map.of(), "the test report " + name + " is larger than the cap of " + maxBytes
                            + " bytes (sluice.validate.tests.max-report-bytes)");
                }
                continue;
            }
            if (!line.startsWith(MARK + "report ")) {
                return bad(exitCode, "unexpected marker '" + cut(line) + "' inside it");
            }
            if (name != null) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(data.toString());
                } catch (IllegalArgumentException e) {
                    return bad(exitCode, name + " is not valid base64 (" + e.getMessage() + ")");
                }
                if (gzip) {
                    try {
                        bytes = gunzip(bytes, maxBytes - total);
                    } catch (IOException e) {
                        return bad(exitCode, name + " is not valid gzip (" + e.getMessage() + ")");
                    }
                    if (bytes == null) {
                        return new Result(exitCode, Map.of(), "the test reports unpack to more than the cap of " + maxBytes
                                + " bytes (sluice.validate.tests.max-report-bytes)");
                    }
                }
                total += bytes.length;
                if (total > maxBytes) {
                    return new Result(exitCode, Map.of(), "the test reports are larger than the cap of " + maxBytes
                            + " bytes (sluice.validate.tests.max-report-bytes)");
                }
                String file = name;
                if (matchers.stream().anyMatch(p -> p.matcher(file).matches())) {
                    files.put(file, bytes);
                }
                count++;
            }
            name = line.substring((MARK + "report ").length());
            data.setLength(0);
            if (!name.isEmpty() && (name.startsWith("/") || List.of(name.split("/")).contains(".."))) {
                return bad(exitCode, "file name '" + cut(name) + "' is not inside the checkout");
            }
        }
        int said = Integer.parseInt(begin.group(1));
        if (count != said) {
            return bad(exitCode, "it announces " + said + " files and holds " + count);
        }
        return new Result(exitCode, files, null);
    }

    private static Result bad(Integer exitCode, String why) {
        return new Result(exitCode, Map.of(), "malformed report block in the test container's log: " + why);
    }

    /** Unpacks at most {@code limit} bytes; null when there is more (a gzip bomb stops here, not in memory). */
    private static byte[] gunzip(byte[] packed, long limit) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(packed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0;) {
                if (out.size() + (long) n > limit) {
                    return null;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static String cut(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    /**
     * The {@code find -path} patterns for a report glob: {@code **}{@code /} stands for no folder or any folders, so
     * each is written both ways (find's {@code *} crosses {@code /}: {@link #globRegex} then keeps the exact matches).
     */
    static List<String> findPatterns(String glob) {
        List<String> out = new ArrayList<>(List.of("./"));
        String[] parts = glob.split("\\*\\*/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].replace("**", "*");
            List<String> next = new ArrayList<>();
            for (String prefix : out) {
                if (i == 0) {
                    next.add(prefix + part);
                } else {
                    next.add(prefix + part);
                    next.add(prefix + "*/" + part);
                }
            }
            out = next.size() > 16 ? next.subList(0, 16) : next;
        }
        return out.stream().distinct().toList();
    }

    /** A report glob as a regex over paths relative to the checkout, as {@link JUnitReports#glob} reads it. */
    static Pattern globRegex(String glob) {
        return JUnitReports.glob(List.of(glob));
    }
}
