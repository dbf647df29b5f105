package dev.sluice.secrets;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The kinds of secret the scanner knows: provider tokens by their documented shape, and high-entropy values
 * assigned to names like password, secret or token. {@code group} is the part of a match that is the secret
 * (what the fingerprint hashes and the entropy check reads); {@code minEntropy} is in bits per character.
 * In common because analyze's scanner and deploy's ledger (which stores flagged env literals as fingerprints) must
 * agree on what a credential is.
 */
public enum SecretKind {
    PRIVATE_KEY("private-key", "private key",
            "-----BEGIN[ A-Z0-9_-]{0,100}?PRIVATE KEY(?: BLOCK)?-----", 0, 0),
    AWS_ACCESS_KEY_ID("aws-access-key-id", "AWS access key id",
            "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})\\b", 1, 3.0),
    AWS_SECRET_ACCESS_KEY("aws-secret-access-key", "AWS secret access key",
            "(?i)aws.{0,20}?(?:secret|private).{0,20}?['\"`=:\\s>(,]{1,4}([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", 1, 4.0),
    // The key file's JSON, also when it is itself a JSON string (quotes escaped).
    GCP_SERVICE_ACCOUNT("gcp-service-account", "GCP service account key",
            "\\\\?\"private_key_id\\\\?\"\\s*:\\s*\\\\?\"([a-f0-9]{40})\\\\?\"", 1, 3.0),
    GCP_API_KEY("gcp-api-key", "GCP API key", "\\b(AIza[\\w-]{35})(?![\\w-])", 1, 4.0),
    // Connection strings (AccountKey=) and the account key under its usual names (accountKey, storage_account_key,
    // storageAccessKey, -storagekey ...): 64 bytes, base64.
    AZURE_STORAGE_KEY("azure-storage-key", "Azure storage account key",
            "(?i)(?:account|storage)[_.-]?(?:access[_.-]?)?key\\W{0,6}([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])", 1, 4.0),
    AZURE_CLIENT_SECRET("azure-client-secret", "Azure AD client secret",
            "(?:^|[\\\\'\"`\\s>=:(,)])([a-zA-Z0-9_~.-]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\\\'\"`\\s<),])", 1, 3.0),
    GITHUB_TOKEN("github-token", "GitHub token",
            "\\b((?:ghp|gho|ghu|ghs|ghr)_[0-9a-zA-Z]{36}|github_pat_\\w{82})\\b", 1, 3.0),
    // GitLab's token prefixes (docs.gitlab.com, security/tokens), routable personal and runner tokens included.
    GITLAB_TOKEN("gitlab-token", "GitLab token",
            "\\b(glpat-(?:[\\w-]{27,300}\\.[0-9a-z]{9}|[\\w-]{20})|glptt-[\\w-]{40}|GR1348941[\\w-]{20,50}|gldt-[\\w-]{20,50}"
                    + "|glrt-(?:t\\d_[\\w-]{27,300}\\.[0-9a-z]{9}|[\\w-]{20})|glcbt-[\\w-]{20,50}|glsoat-[\\w-]{20,50}"
                    + "|glffct-[\\w-]{20}|glft-[\\w-]{20}|glimt-[\\w-]{25}|glagent-[\\w-]{50,1024}|gloas-[\\w-]{64}"
                    + "|_gitlab_session=[0-9a-z]{32})(?![\\w-])",
            1, 3.0),
    // Slack's token shapes (api.slack.com/authentication/token-types): bot, user and legacy tokens with their numeric
    // team and user ids, workspace tokens, configuration and refresh tokens, app-level tokens. The shapes are strict
    // enough that a lower entropy floor holds (ids like 511111111 are real).
    SLACK_TOKEN("slack-token", "Slack token",
            "\\b(xoxb-\\d{8,14}-(?:\\d{8,14}-)?[0-9A-Za-z]{18,34}|xox[pseor]-\\d{6,14}-\\d{6,14}-\\d{6,14}-[0-9A-Za-z]{10,64}"
                    + "|xox[ar]-(?:\\d-)?(?:\\d{6,14}-){0,3}[0-9A-Za-z]{8,48}|xoxe\\.xox[bp]-\\d-[0-9A-Za-z]{163,166}"
                    + "|xoxe-\\d-[0-9A-Za-z]{146}|xapp-\\d-[0-9A-Za-z]{9,14}-\\d{10,16}-[0-9A-Za-z]{32,80})(?![0-9A-Za-z])",
            1, 2.0),
    SLACK_WEBHOOK("slack-webhook", "Slack webhook URL",
            "((?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56})", 1, 3.0),
    STRIPE_KEY("stripe-key", "Stripe key", "\\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})\\b", 1, 3.0),
    JWT("jwt", "JSON Web Token",
            "\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/\\\\_-]{17,}\\.(?:[a-zA-Z0-9/\\\\_-]{10,}={0,2})?)", 1, 3.0),
    // name (1), quote (2), value (3). The name may be quoted, typed (Go, Kotlin, TypeScript, Python strings) or a
    // quoted argument before the value (put("password", "...")); the operators are those of config files, code and
    // Makefiles. The second pattern is an XML element (<password>...</password>).
    ASSIGNED_SECRET("assigned-secret", "high-entropy value assigned to a secret name",
            "(?i)(?<![\\w.-])(" + Names.SECRET + ")(?:\\\\?['\"]\\s*,|\\\\?['\"]?(?:\\s+string|\\s*:\\s*(?:string|str))?\\s*"
                    + "(?::{1,3}=|[.+?]?=(?![=>~])|=>|:))\\s*(\\\\?['\"`]?)([^'\"`\\s;,)]{8,200})\\2",
            3, 3.5, "(?i)<(" + Names.SECRET + ")>()([^<>'\"`\\s]{8,200})</\\1>");

    /** The names a secret is assigned to: password, secret, token, api key, credentials ... (with prefix and suffix). */
    private static final class Names {
        static final String SECRET = "[\\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
                + "|auth[_-]?key|private[_-]?key|credentials?|creds|auth(?![a-z]))(?:[_.-][\\w.-]*|(?-i:[A-Z])[\\w-]*)?";
    }

    public final String id;
    public final String label;
    public final List<Pattern> patterns;
    public final int group;
    public final double minEntropy;

    /** Lower-case words one of which a line must hold before a kind's pattern is tried: most lines hold none. */
    private static final java.util.Map<SecretKind, List<String>> KEYWORDS = new java.util.EnumMap<>(SecretKind.class);

    static {
        KEYWORDS.put(PRIVATE_KEY, List.of("private key"));
        KEYWORDS.put(AWS_ACCESS_KEY_ID, List.of("a3t", "akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "anpa", "anva", "aipa"));
        KEYWORDS.put(AWS_SECRET_ACCESS_KEY, List.of("aws"));
        KEYWORDS.put(GCP_SERVICE_ACCOUNT, List.of("private_key_id"));
        KEYWORDS.put(GCP_API_KEY, List.of("aiza"));
        KEYWORDS.put(AZURE_STORAGE_KEY, List.of("key"));
        KEYWORDS.put(AZURE_CLIENT_SECRET, List.of("q~"));
        KEYWORDS.put(GITHUB_TOKEN, List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"));
        KEYWORDS.put(GITLAB_TOKEN, List.of("glpat-", "glptt-", "gr1348941", "gldt-", "glrt-", "glcbt-", "glsoat-", "glffct-",
                "glft-", "glimt-", "glagent-", "gloas-", "_gitlab_session="));
        KEYWORDS.put(SLACK_TOKEN, List.of("xox", "xapp-"));
        KEYWORDS.put(SLACK_WEBHOOK, List.of("hooks.slack.com"));
        KEYWORDS.put(STRIPE_KEY, List.of("sk_", "rk_"));
        KEYWORDS.put(JWT, List.of("eyj"));
        KEYWORDS.put(ASSIGNED_SECRET, List.of("pass", "pwd", "secret", "token", "key", "credential", "creds", "auth"));
    }

    /** Every keyword by its first letter, plus the inline allow marker: the byte-level test of {@link #mentionedIn}. */
    private static final byte[][][] BY_FIRST = new byte[128][][];

    static {
        java.util.Map<Integer, List<byte[]>> grouped = new java.util.TreeMap<>();
        java.util.Set<String> words = new java.util.TreeSet<>();
        KEYWORDS.values().forEach(words::addAll);
        words.add("sluice:allow");
        for (String w : words) {
            grouped.computeIfAbsent((int) w.charAt(0), k -> new java.util.ArrayList<>())
                    .add(w.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        grouped.forEach((c, list) -> BY_FIRST[c] = list.toArray(new byte[0][]));
    }

    /**
     * Whether an added line is worth reading as text: it holds a keyword of some kind (any case), the allow marker,
     * or starts a merge conflict marker. Runs on the raw bytes, so the lines of a whole tree cost no strings.
     */
    public static boolean mentionedIn(byte[] b, int from, int to) {
        if (to - from >= 7 && (b[from] == '<' || b[from] == '>')) {
            int i = from + 1;
            while (i < from + 7 && b[i] == b[from]) {
                i++;
            }
            if (i == from + 7) {
                return true;
            }
        }
        for (int i = from; i < to; i++) {
            int c = lower(b[i]);
            byte[][] candidates = c < 128 ? BY_FIRST[c] : null;
            if (candidates == null) {
                continue;
            }
            for (byte[] w : candidates) {
                if (i + w.length <= to && sameIgnoringCase(b, i, w)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c & 0xff;
    }

    private static boolean sameIgnoringCase(byte[] b, int at, byte[] word) {
        for (int k = 1; k < word.length; k++) {
            if (lower(b[at + k]) != word[k]) {
                return false;
            }
        }
        return true;
    }

    public boolean mayMatch(String lowerCaseLine) {
        for (String k : KEYWORDS.get(this)) {
            if (lowerCaseLine.contains(k)) {
                return true;
            }
        }
        return false;
    }

    SecretKind(String id, String label, String regex, int group, double minEntropy, String... moreRegexes) {
        this.id = id;
        this.label = label;
        List<Pattern> all = new java.util.ArrayList<>();
        all.add(Pattern.compile(regex));
        for (String r : moreRegexes) {
            all.add(Pattern.compile(r));
        }
        this.patterns = List.copyOf(all);
        this.group = group;
        this.minEntropy = minEntropy;
    }

    public static String label(String id) {
        for (SecretKind k : values()) {
            if (k.id.equals(id)) {
                return k.label;
            }
        }
        return id;
    }
}
