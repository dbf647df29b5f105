package dev.sluice.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What counts as a credential in a line of text ({@link SecretKind}): analyze's secret scanner reports each match,
 * deploy stores the values it matches in release objects only as fingerprints. Values with low entropy,
 * placeholders and references to other variables are not credentials.
 */
public final class Credentials {
    private Credentials() {
    }

    /** One credential in a line: its kind and the matched value (the part a fingerprint hashes). */
    public record Match(SecretKind kind, String value) {
        @Override
        public String toString() {
            return "Match[" + kind.id + "]";
        }
    }

    // ${VAR}, {{ .Values.x }}, <your-token>, %(name)s, $VAR, process.env.X, os.environ[...], xxxx, ****.
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(?:.*\\$\\{.*|.*\\{\\{.*|<.*>|%\\(?.*|\\$[A-Z_].*|.*(?:process\\.env|os\\.environ|getenv|System\\.get).*"
                    + "|(.)\\1{5,}.*|.*(?:x{5,}|\\*{4,}|example|placeholder|changeme|your[_-]?|dummy|redacted).*)$");
    // Unquoted references to other names (config.password, self.token, getSecret(...)) are code, not values.
    private static final Pattern REFERENCE = Pattern.compile("^[A-Za-z_][\\w]*(?:[.\\[(][\\w.\\[\\]()'\"]*)+$");
    // A link without a user or password in it (https://github.com/login/oauth/access_token) is an address, not a value.
    private static final Pattern LINK = Pattern.compile("(?i)^https?://[^/@\\s]+(?:[/?#][^@]*)?$");

    /** The credentials in one line: each kind's match once, the most specific kind first. */
    public static List<Match> inLine(String text) {
        if (text.length() > 4000) {
            // Minified or data lines: scan the start only, so one line cannot cost seconds.
            text = text.substring(0, 4000);
        }
        List<Match> found = new ArrayList<>();
        List<int[]> taken = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (SecretKind kind : SecretKind.values()) {
            if (!kind.mayMatch(lower)) {
                continue;
            }
            for (Pattern pattern : kind.patterns) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    int g = kind.group;
                    String value = m.group(g);
                    if (value == null || overlaps(taken, m.start(g), m.end(g)) || !isSecret(kind, value, m, text)) {
                        continue;
                    }
                    taken.add(new int[] { m.start(g), m.end(g) });
                    found.add(new Match(kind, value));
                }
            }
        }
        return found;
    }

    /** What a pattern alone cannot tell: entropy, placeholders, published non-secrets, a kind's own shape. */
    private static boolean isSecret(SecretKind kind, String value, Matcher m, String text) {
        if (kind.minEntropy > 0 && entropy(value) < kind.minEntropy) {
            return false;
        }
        if (PUBLISHED.contains(value)) {
            return false;
        }
        return switch (kind) {
            case PRIVATE_KEY -> !emptyKeyOnTheLine(text, m.end());
            case JWT -> joseHeader(value.substring(0, value.indexOf('.')));
            case ASSIGNED_SECRET -> looksLikeAValue(value, m.group(2)) && !notASecretName(m.group(1));
            default -> true;
        };
    }

    /**
     * Values published as non-secrets that a pattern cannot tell from a key: the Azure storage emulator's (Azurite's)
     * well-known account key, which Microsoft documents for every local development setup.
     */
    private static final Set<String> PUBLISHED = Set.of(
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");

    private static final Pattern KEY_END = Pattern.compile("-----END[ A-Z0-9_-]{0,100}PRIVATE KEY");
    private static final Pattern KEY_BODY = Pattern.compile("[A-Za-z0-9+/=]");

    /**
     * A key whose header and footer are on one line with less than 64 base64 characters between them (escaped line
     * breaks aside) is empty or a placeholder ({@code \n...\n}, {@code YOUR-KEY-HERE}): no key is that short. A header
     * alone on its line is reported: the body is on lines the scan does not read.
     */
    private static boolean emptyKeyOnTheLine(String text, int headerEnd) {
        Matcher end = KEY_END.matcher(text);
        if (!end.find(headerEnd)) {
            return false;
        }
        String body = text.substring(headerEnd, end.start()).replace("\\n", "").replace("\\r", "");
        return KEY_BODY.matcher(body).results().count() < 64;
    }

    /**
     * A JWT's first part is its header: base64url-encoded JSON, an object with an "alg" (RFC 7515 requires it). Random
     * text in the token's shape decodes to no such thing.
     */
    private static boolean joseHeader(String base64url) {
        try {
            String json = new String(Base64.getUrlDecoder().decode(base64url.replace('/', '_').replace("=", "")),
                    StandardCharsets.UTF_8).strip();
            return json.startsWith("{") && json.endsWith("}") && json.contains("\"alg\"");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // The last word of a name that holds something about a secret, not the secret: client_secret_name, tokenUrl,
    // credentialsId, api_key_length, TokenFile. Names starting with public, and CSRF tokens, are not secrets either.
    private static final Set<String> NOT_SECRET_WORDS = Set.of("id", "ids", "name", "names", "url", "urls", "uri",
            "endpoint", "path", "file", "dir", "length", "len", "size", "type", "version", "alias", "prefix", "suffix",
            "count", "format", "field", "header", "param", "variable", "label");
    private static final Pattern WORD_BREAK = Pattern.compile("[_.-]+|(?<=[a-z0-9])(?=[A-Z])");

    private static boolean notASecretName(String name) {
        List<String> words = WORD_BREAK.splitAsStream(name).filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT)).toList();
        if (words.isEmpty()) {
            return false;
        }
        String last = words.get(words.size() - 1);
        // A Vault AppRole secret_id is a credential.
        boolean secretId = last.equals("id") && words.size() > 1 && words.get(words.size() - 2).equals("secret");
        return NOT_SECRET_WORDS.contains(last) && !secretId || words.get(0).equals("public")
                || words.contains("csrf") || words.contains("xsrf");
    }

    private static boolean overlaps(List<int[]> taken, int start, int end) {
        for (int[] t : taken) {
            if (start < t[1] && t[0] < end) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksLikeAValue(String value, String quote) {
        if (PLACEHOLDER.matcher(value).matches() || LINK.matcher(value).matches()) {
            return false;
        }
        if (quote.isEmpty() && (REFERENCE.matcher(value).matches() || value.contains("("))) {
            return false;
        }
        boolean digit = false;
        boolean letter = false;
        for (char c : value.toCharArray()) {
            digit |= Character.isDigit(c);
            letter |= Character.isLetter(c);
        }
        // Words alone (a sentence, an identifier) are not generated secrets.
        return digit && letter || value.length() >= 20;
    }

    /** Shannon entropy of a string, in bits per character. */
    public static double entropy(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        Map<Character, Integer> counts = new HashMap<>();
        for (char c : s.toCharArray()) {
            counts.merge(c, 1, Integer::sum);
        }
        double h = 0;
        for (int n : counts.values()) {
            double p = (double) n / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }
}
