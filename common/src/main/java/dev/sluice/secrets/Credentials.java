package dev.sluice.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
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

    // ${VAR}, {{ .Values.x }}, <your-token>, %(name)s, %VAR%, $VAR, $(cmd), @VAR@, [value], process.env.X,
    // os.environ[...], xxxx, ****, aaaaaaaa, changeme, example, dummy, sample, fake, replace-me, test-token ...
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(?:.*\\$\\{.*|.*#\\{.*|.*\\{\\{.*|.*\\{\\d{1,2}}.*|.*\\\\u[0-9a-f]{4}.*|.*\\$\\(.*|<.*>|\\[.*]|%\\(?.*|@\\w+@|\\$[A-Z_].*"
                    + "|.*(?:process\\.env|os\\.environ|getenv|System\\.get).*|(.)\\1{5,}.*|.*(.)\\2{7,}.*"
                    + "|.*(?:x{5,}|\\*{4,}|\\.{4,}|example|placeholder|changeme|change[_-]?it|your[_-]?|dummy|redacted"
                    + "|sample|fake|replace[_-]?(?:me|this|with)|insert[_-]?(?:your|here)|not[_-]?a[_-]?real"
                    + "|test[_-]?(?:key|token|secret|password|pass|pwd)|0123456|1234567|2345678|3456789|abcdefg|bcdefgh).*)$");
    // Passwords that documentation and local setups use: a connection string holding one is an example, not a leak.
    private static final Pattern DEFAULT_PASSWORD = Pattern.compile("(?i)^(?:pass(?:word|wd)?|secret|admin|root|guest"
            + "|test|user|demo|default|postgres|mysql|redis|mongo|rabbitmq|sa|letmein|qwerty|opensesame)?\\d*$"
            + "|(?i)^.*passw(?:or)?d.*$");
    // Unquoted references to other names (config.password, self.token, getSecret(...)) are code, not values.
    // Also Ruby's and PHP's (@api_keys[:name], OpenSSL::PKey::RSA.new, !!opts[:key], $config['key']).
    private static final Pattern REFERENCE = Pattern.compile(
            "^[!@$]{0,3}[A-Za-z_][\\w]*(?:(?:[.\\[(]|::)[\\w.\\[\\]()'\":@]*)+$");
    // An unquoted snake_case name (ec2_metadata_credentials_json, allow_duplicate_key?, REGIONS_KEY) is a variable.
    private static final Pattern SNAKE_CASE = Pattern.compile(
            "^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[?!]?$");
    // Words run together (serverAuthentication, DateFormatItemInputRegions) or a dotted property name
    // (jdk.invoke.LambdaMetafactory.dumpProxyClassFiles) name something; a generated secret is no run of words.
    private static final Pattern CAMEL_WORDS = Pattern.compile("^[a-z]{2,}(?:[A-Z][a-z]{2,})+$|^(?:[A-Z][a-z]{2,}){3,}$");
    private static final Pattern DOTTED_NAME = Pattern.compile("^[A-Za-z_][\\w-]*(?:\\.[A-Za-z_][\\w-]*){2,}$");
    // Words joined by separators (correct-config-value) and label keys with a DNS prefix (kubernetes.io/hostname).
    private static final Pattern JOINED_WORDS = Pattern.compile("^[A-Za-z]+(?:[-_.][A-Za-z]+)+$");
    private static final Pattern LABEL_KEY = Pattern.compile("^(?:[a-z0-9-]+\\.)+[a-z]{2,}/[A-Za-z0-9._-]+$");
    // A file path (/secure/path/to/gem-private_key.pem, ./certs/, ~/.ssh/id_rsa) names where a secret is, not the secret.
    private static final Pattern PATH = Pattern.compile(
            "^(?:~|\\.{1,2})?/(?:(?:[\\w.@-]+/)*[\\w@-]+\\.[A-Za-z0-9]{1,5}|(?:[a-z0-9_.-]+/)+[a-z0-9_.-]*)$");
    // Hosts reserved for documentation (RFC 2606, 6761): a URL with a password there is an example.
    private static final Pattern EXAMPLE_HOST = Pattern.compile(
            "(?i)^(?:[\\w-]+\\.)*(?:example\\.(?:com|net|org)|[\\w-]+\\.(?:example|test|invalid))$");
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
        List<SecretKind> all = SecretKind.all();
        BitSet candidates = SecretKind.candidates(text);
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            SecretKind kind = all.get(i);
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
        if (kind == SecretKind.PRIVATE_KEY) {
            return !emptyKeyOnTheLine(text, m.end());
        }
        if (kind == SecretKind.JWT) {
            return joseHeader(value.substring(0, value.indexOf('.')));
        }
        if (kind == SecretKind.ASSIGNED_SECRET) {
            return looksLikeAValue(value, m.group(2)) && !notASecretName(m.group(1));
        }
        if (kind == SecretKind.CONNECTION_STRING) {
            return aPassword(value) && !value.equals(m.group(2)) && !EXAMPLE_HOST.matcher(m.group(4)).matches();
        }
        if (kind == SecretKind.BEARER_TOKEN) {
            return looksLikeAValue(value, "'");
        }
        if (kind == SecretKind.BASIC_AUTH) {
            return basicCredentials(value);
        }
        // A provider's shape with a prefix of its own is a credential as it stands; a shape only its name tells apart
        // (a context rule) is not when it is a placeholder.
        return kind.type != SecretKind.Type.CONTEXT || !PLACEHOLDER.matcher(value).matches();
    }

    /**
     * Values published as non-secrets that a pattern cannot tell from a key: the Azure storage emulator's (Azurite's)
     * well-known account key, which Microsoft documents for every local development setup, and the sample API keys
     * of the Firebase SDKs' test apps (the ones gitleaks' default rules allow by value).
     */
    private static final Set<String> PUBLISHED = Set.of(
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
            "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM", "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
            "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
            "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
            "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY", "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
            "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
            "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
            "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE", "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY");

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
            "count", "format", "field", "header", "param", "variable", "label", "hash", "hashes", "checksum", "digest",
            "fingerprint");
    // Words that may follow the secret word of a name: API_KEY_PROD, db_password2, SECRET_KEY_BASE, token_value.
    private static final Set<String> SUFFIXES = Set.of("prod", "production", "dev", "development", "staging", "stage",
            "test", "testing", "qa", "uat", "local", "live", "sandbox", "old", "new", "current", "next", "previous",
            "primary", "secondary", "backup", "value", "base", "b64", "base64", "hex", "enc", "encrypted", "raw", "default",
            "v", "string", "str");
    private static final Pattern WORD_BREAK = Pattern.compile("[_.-]+|(?<=[a-z0-9])(?=[A-Z])");

    // Keys that are no secret: database and map keys, cache and idempotency keys, translation keys ...
    private static final Set<String> NOT_SECRET_KEYS = Set.of("primary", "foreign", "sort", "partition", "cache", "hash",
            "range", "idempotency", "row", "map", "object", "lookup", "dedup", "dedupe", "routing", "i18n", "translation",
            "unique", "composite", "natural", "surrogate", "bucket", "schema", "sequence", "index", "idx", "group",
            "message", "label", "storage", "s3", "redis", "registry", "cursor", "page", "search", "sharding", "shard",
            "join", "order", "lock", "event", "metric", "feature", "flag", "setting", "config", "property", "field",
            "column", "table", "entry", "record", "item", "node", "element", "child", "parent", "local", "global", "i",
            "topology", "annotation", "selector", "match", "metadata", "env", "header", "query", "json");
    private static final Pattern SECRET_WORD = Pattern.compile(
            "passw(?:or)?d|pwd|secret|token|credentials?|creds|auth|apikey");

    private static boolean notASecretName(String name) {
        List<String> words = WORD_BREAK.splitAsStream(name).filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT).replaceAll("\\d+$", "")).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            return false;
        }
        String last = words.get(words.size() - 1);
        // A Vault AppRole secret_id is a credential.
        boolean secretId = last.equals("id") && words.size() > 1 && words.get(words.size() - 2).equals("secret");
        if (NOT_SECRET_WORDS.contains(last) && !secretId || words.get(0).equals("public")
                || words.contains("csrf") || words.contains("xsrf")) {
            return true;
        }
        // The secret word ends the name, or only words like PROD or VALUE follow it (keyMeshing, key_chars, token_ttl
        // name something else).
        int secretWord = words.size() - 1;
        while (secretWord >= 0 && !SECRET_WORD.matcher(words.get(secretWord)).find() && !words.get(secretWord).endsWith("key")) {
            secretWord--;
        }
        if (secretWord < 0 || words.subList(secretWord + 1, words.size()).stream().anyMatch(w -> !SUFFIXES.contains(w))) {
            return true;
        }
        // A public key, or a bare "key" (an XML attribute, a map entry) is no secret.
        if (words.stream().anyMatch(w -> w.equals("pubkey") || w.equals("publickey"))
                || words.size() == 1 && words.get(0).equals("key")) {
            return true;
        }
        // A name whose only secret word is "key" (sort_key, cacheKey, primaryKey): secret unless said otherwise.
        if (words.stream().noneMatch(w -> SECRET_WORD.matcher(w).find())) {
            int key = words.lastIndexOf("key");
            return key > 0 && NOT_SECRET_KEYS.contains(words.get(key - 1)) || key < 0 && name.toLowerCase(Locale.ROOT)
                    .matches(".*(?:monkey|donkey|turkey|hockey|jockey|whiskey|keyboard|keystroke|keyword|keypad).*");
        }
        return false;
    }

    /** A password of a connection string: not a placeholder, variable, or a password of documentation and dev setups. */
    private static boolean aPassword(String value) {
        return value.length() >= 6 && !PLACEHOLDER.matcher(value).matches() && !DEFAULT_PASSWORD.matcher(value).matches()
                && !value.startsWith("$") && !value.startsWith("%");
    }

    /** {@code Basic} credentials: base64 of user:password (RFC 7617) whose password is one (see {@link #aPassword}). */
    private static boolean basicCredentials(String base64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        return aPassword(password) && !password.equals(user) && !PLACEHOLDER.matcher(user).matches();
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
        if (PLACEHOLDER.matcher(value).matches() || LINK.matcher(value).matches() || PATH.matcher(value).matches()
                || CAMEL_WORDS.matcher(value).matches() || DOTTED_NAME.matcher(value).matches()
                || JOINED_WORDS.matcher(value).matches() || LABEL_KEY.matcher(value).matches()) {
            return false;
        }
        if (quote.isEmpty() && (REFERENCE.matcher(value).matches() || SNAKE_CASE.matcher(value).matches()
                || value.contains("("))) {
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
