package dev.sluice.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The kinds of secret the scanner knows: provider credentials by their documented shape (the rule table
 * {@code provider-rules.tsv} beside this class, read once), and the kinds no provider owns (private keys, JWTs,
 * passwords in connection strings, {@code Bearer} and {@code Basic} credentials, high-entropy values assigned to names
 * like password, secret or token). {@code group} is the part of a match that is the secret (what the fingerprint
 * hashes and the entropy check reads); {@code minEntropy} is in bits per character. In common because analyze's
 * scanner and deploy's ledger (which stores flagged env literals as fingerprints) must agree on what a credential is.
 */
public final class SecretKind {
    /** How a rule's pattern is used: see the header of {@code provider-rules.tsv}; {@code BUILT_IN} kinds are coded here. */
    public enum Type {
        TOKEN, REGEX, LINE, CONTEXT, BUILT_IN;

        /** Whether a credential of this kind is recognisable standing alone on a line, without a name or context. */
        public boolean standalone() {
            return this == TOKEN || this == REGEX;
        }
    }

    public static final SecretKind PRIVATE_KEY = builtIn("private-key", "private key",
            "-----BEGIN[ A-Z0-9_-]{0,100}?PRIVATE KEY(?: BLOCK)?-----", 0, 0, "private key");
    public static final SecretKind JWT = builtIn("jwt", "JSON Web Token",
            "\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/\\\\_-]{17,}\\.(?:[a-zA-Z0-9/\\\\_-]{10,}={0,2})?)", 1, 3.0, "eyj");
    /** scheme://user:password@host (user may be empty): postgres, mysql, mongodb(+srv), redis, amqp, jdbc:..., https ... */
    public static final SecretKind CONNECTION_STRING = builtIn("connection-string", "password in a connection string",
            "(?i)\\b([a-z][a-z0-9+.-]{1,30})://([^\\s:/?#@'\"`<>]{0,100}):([^\\s/?#@'\"`<>]{1,300})@([\\w.\\[\\]-]{1,253})", 3, 2.0,
            "://");
    public static final SecretKind BEARER_TOKEN = builtIn("bearer-token", "Bearer credential",
            "(?i)\\bbearer[ \\t]+([A-Za-z0-9._~+/-]{16,1000}=*)(?![A-Za-z0-9._~+/=-])", 1, 3.5, "bearer");
    public static final SecretKind BASIC_AUTH = builtIn("basic-auth", "Basic credential (user:password in base64)",
            "(?i)\\bbasic[ \\t]+([A-Za-z0-9+/]{8,1000}={0,2})(?![A-Za-z0-9+/=])", 1, 0, "basic");
    // name (1), quote (2), value (3). The name may be quoted, typed (Go, Kotlin, TypeScript, Python strings) or a
    // quoted argument before the value (put("password", "...")); the operators are those of config files, code and
    // Makefiles. The second pattern is an XML element (<password>...</password>).
    public static final SecretKind ASSIGNED_SECRET = builtIn("assigned-secret", "high-entropy value assigned to a secret name",
            "(?i)(?<![\\w.-])(" + Names.SECRET + ")(?:\\\\?['\"]\\s*,|\\\\?['\"]?(?:\\s+string|\\s*:\\s*(?:string|str))?\\s*"
                    + "(?::{1,3}=|[.+?]?=(?![=>~])|=>|:))\\s*(\\\\?['\"`]?)([^'\"`\\s;,)]{8,1000})\\2",
            3, 3.5, "pass,pwd,secret,token,key,credential,creds,auth",
            "(?i)<(" + Names.SECRET + ")>()([^<>'\"`\\s]{8,1000})</\\1>");

    /** The names a secret is assigned to: password, secret, token, key, credentials ... (with prefix, digits and suffix). */
    private static final class Names {
        static final String SECRET = "[\\w.-]*(?:password|passwd|pwd|secret|token|key|credentials?|creds|auth(?![a-z]))\\d*"
                + "(?:[_.-][\\w.-]*|(?-i:[A-Z])[\\w-]*)?";
    }

    /** Every kind, in the order they are tried: private keys, the provider table (most specific first), then the rest. */
    private static final List<SecretKind> ALL;
    private static final Map<String, SecretKind> BY_ID = new LinkedHashMap<>();

    static {
        List<SecretKind> all = new ArrayList<>();
        all.add(PRIVATE_KEY);
        all.addAll(table());
        all.addAll(List.of(JWT, CONNECTION_STRING, BEARER_TOKEN, BASIC_AUTH, ASSIGNED_SECRET));
        for (int i = 0; i < all.size(); i++) {
            all.get(i).index = i;
            if (BY_ID.put(all.get(i).id, all.get(i)) != null) {
                throw new IllegalStateException("two secret kinds named " + all.get(i).id);
            }
        }
        ALL = List.copyOf(all);
    }

    private static final KeywordMatcher KEYWORDS = KeywordMatcher.of(ALL);

    public final String id;
    public final String label;
    public final Type type;
    public final List<Pattern> patterns;
    public final int group;
    public final double minEntropy;
    /** Lower-case words one of which a line must hold before the kind's patterns are tried: most lines hold none. */
    public final List<String> keywords;
    /** The table's example and near-miss templates (see {@code provider-rules.tsv}); null for the built-in kinds. */
    public final String example;
    public final String nearMiss;
    private int index;

    private SecretKind(String id, String label, Type type, List<Pattern> patterns, int group, double minEntropy,
            List<String> keywords, String example, String nearMiss) {
        this.id = id;
        this.label = label;
        this.type = type;
        this.patterns = patterns;
        this.group = group;
        this.minEntropy = minEntropy;
        this.keywords = keywords;
        this.example = example;
        this.nearMiss = nearMiss;
    }

    private static SecretKind builtIn(String id, String label, String regex, int group, double minEntropy, String keywords,
            String... moreRegexes) {
        List<Pattern> patterns = new ArrayList<>();
        patterns.add(Pattern.compile(regex));
        for (String r : moreRegexes) {
            patterns.add(Pattern.compile(r));
        }
        return new SecretKind(id, label, Type.BUILT_IN, List.copyOf(patterns), group, minEntropy,
                List.of(keywords.split(",")), null, null);
    }

    /** The provider rules of {@code provider-rules.tsv}, each pattern compiled once. */
    private static List<SecretKind> table() {
        String resource = "provider-rules.tsv";
        try (InputStream in = SecretKind.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            List<SecretKind> kinds = new ArrayList<>();
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] f = row.split("\t", -1);
                if (f.length != 8) {
                    throw new IllegalStateException(resource + ": 8 tab-separated fields expected: " + row);
                }
                Type type = Type.valueOf(f[2].toUpperCase(Locale.ROOT));
                List<String> keywords = List.of(f[3].split(","));
                String regex = switch (type) {
                    // Standing alone: no letter, digit, _ or - on either side (a longer token is another shape).
                    case TOKEN -> "(?<![\\w-])(" + f[5] + ")(?![\\w-])";
                    case CONTEXT -> context(keywords, f[5]);
                    default -> f[5];
                };
                kinds.add(new SecretKind(f[0], f[1], type, List.of(Pattern.compile(regex)), 1, Double.parseDouble(f[4]),
                        keywords, f[6], f[7]));
            }
            return kinds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A value of the given shape assigned to a name that holds one of the keywords: {@code TWILIO_AUTH_TOKEN=...},
     * {@code "twilio": "..."}, {@code twilioSecret := "..."}, {@code --twilio-token ...} is not (no operator).
     */
    private static String context(List<String> keywords, String value) {
        String words = String.join("|", keywords.stream().map(Pattern::quote).toList());
        return "(?i)(?<![\\w.-])[\\w.-]{0,50}?(?:" + words + ")[\\w.-]{0,30}?(?:\\\\?['\"])?[ \\t]{0,3}"
                + "(?::{1,3}=|[?]?=(?![=>~])|=>|:|,)[ \\t]{0,5}(?:\\\\?['\"`])?(" + value + ")"
                + "(?=$|[\\s'\"`;,)\\]}<>&]|\\\\[nrt])";
    }

    /** Every kind, in the order a line is scanned with them. */
    public static List<SecretKind> all() {
        return ALL;
    }

    /** The kind of that id, or null. */
    public static SecretKind byId(String id) {
        return BY_ID.get(id);
    }

    public static String label(String id) {
        SecretKind k = BY_ID.get(id);
        return k == null ? id : k.label;
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
        return KEYWORDS.anyIn(b, from, to);
    }

    /** The kinds one of whose keywords the line holds, by their place in {@link #all()}: the ones worth trying. */
    static BitSet candidates(String line) {
        return KEYWORDS.kindsIn(line);
    }

    /** The table's example, made concrete: random characters drawn from {@code random} (see the table's header). */
    public String example(java.util.Random random) {
        return expand(example, random);
    }

    /** The table's near miss, made concrete the same way. */
    public String nearMiss(java.util.Random random) {
        return expand(nearMiss, random);
    }

    private static final Pattern TEMPLATE = Pattern.compile("\\{(?:(\\d+):([aAhUdLubBs])|(uuid|UUID))}");
    private static final Map<Character, String> CLASSES = Map.of('a', "abcdefghijklmnopqrstuvwxyz0123456789",
            'A', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 'h', "0123456789abcdef",
            'U', "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 'd', "0123456789",
            'L', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            'u', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
            'b', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            'B', "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 's', "abcdefghijklmnopqrstuvwxyz234567");

    private static String expand(String template, java.util.Random random) {
        if (template == null) {
            throw new IllegalStateException("a built-in kind has no example template");
        }
        return TEMPLATE.matcher(template).replaceAll(m -> {
            if (m.group(3) != null) {
                String uuid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
                return m.group(3).equals("UUID") ? uuid.toUpperCase(Locale.ROOT) : uuid;
            }
            String chars = CLASSES.get(m.group(2).charAt(0));
            StringBuilder out = new StringBuilder();
            for (int i = Integer.parseInt(m.group(1)); i > 0; i--) {
                out.append(chars.charAt(random.nextInt(chars.length())));
            }
            return java.util.regex.Matcher.quoteReplacement(out.toString());
        });
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * All keywords of all kinds (and the inline allow marker) in one Aho-Corasick automaton over lower-cased ASCII:
     * one pass over a line finds every keyword in it, however many rules there are (the prefilter gitleaks uses too).
     */
    static final class KeywordMatcher {
        private static final int ALPHABET = 128;
        static final String ALLOW_MARKER = "sluice:allow";

        private final int[] next;
        /** Per state: the kinds whose keyword ends here (along the failure links too); empty for none. */
        private final int[][] kinds;
        /** Per state: whether any keyword (or the allow marker) ends here. */
        private final boolean[] hit;

        private KeywordMatcher(int[] next, int[][] kinds, boolean[] hit) {
            this.next = next;
            this.kinds = kinds;
            this.hit = hit;
        }

        static KeywordMatcher of(List<SecretKind> all) {
            Map<String, BitSet> words = new LinkedHashMap<>();
            for (SecretKind k : all) {
                for (String w : k.keywords) {
                    if (w.isEmpty() || !w.equals(w.toLowerCase(Locale.ROOT)) || w.chars().anyMatch(c -> c >= ALPHABET)) {
                        throw new IllegalStateException("keyword of " + k.id + " must be lower-case ASCII: '" + w + "'");
                    }
                    words.computeIfAbsent(w, x -> new BitSet()).set(k.index);
                }
            }
            words.computeIfAbsent(ALLOW_MARKER, x -> new BitSet());
            // the trie
            List<int[]> gotos = new ArrayList<>();
            List<BitSet> outs = new ArrayList<>();
            List<Boolean> ends = new ArrayList<>();
            gotos.add(filled());
            outs.add(new BitSet());
            ends.add(false);
            for (Map.Entry<String, BitSet> e : words.entrySet()) {
                int s = 0;
                for (char c : e.getKey().toCharArray()) {
                    if (gotos.get(s)[c] < 0) {
                        gotos.get(s)[c] = gotos.size();
                        gotos.add(filled());
                        outs.add(new BitSet());
                        ends.add(false);
                    }
                    s = gotos.get(s)[c];
                }
                outs.get(s).or(e.getValue());
                ends.set(s, true);
            }
            // failure links, breadth first; missing transitions become those of the failure state (a full automaton)
            int n = gotos.size();
            int[] fail = new int[n];
            int[] queue = new int[n];
            int head = 0;
            int tail = 0;
            for (int c = 0; c < ALPHABET; c++) {
                int t = gotos.get(0)[c];
                if (t < 0) {
                    gotos.get(0)[c] = 0;
                } else {
                    fail[t] = 0;
                    queue[tail++] = t;
                }
            }
            while (head < tail) {
                int s = queue[head++];
                outs.get(s).or(outs.get(fail[s]));
                ends.set(s, ends.get(s) || ends.get(fail[s]));
                for (int c = 0; c < ALPHABET; c++) {
                    int t = gotos.get(s)[c];
                    if (t < 0) {
                        gotos.get(s)[c] = gotos.get(fail[s])[c];
                    } else {
                        fail[t] = gotos.get(fail[s])[c];
                        queue[tail++] = t;
                    }
                }
            }
            int[] next = new int[n * ALPHABET];
            int[][] kinds = new int[n][];
            boolean[] hit = new boolean[n];
            for (int s = 0; s < n; s++) {
                System.arraycopy(gotos.get(s), 0, next, s * ALPHABET, ALPHABET);
                kinds[s] = outs.get(s).stream().toArray();
                hit[s] = ends.get(s);
            }
            return new KeywordMatcher(next, kinds, hit);
        }

        private static int[] filled() {
            int[] a = new int[ALPHABET];
            Arrays.fill(a, -1);
            return a;
        }

        private static int lower(int c) {
            return c >= 'A' && c <= 'Z' ? c + 32 : c;
        }

        boolean anyIn(byte[] b, int from, int to) {
            int s = 0;
            for (int i = from; i < to; i++) {
                int c = b[i];
                // a byte of a multi-byte character breaks every keyword (they are ASCII)
                s = c < 0 ? 0 : next[s * ALPHABET + lower(c)];
                if (hit[s]) {
                    return true;
                }
            }
            return false;
        }

        BitSet kindsIn(String line) {
            BitSet found = new BitSet();
            int s = 0;
            for (int i = 0; i < line.length(); i++) {
                int c = line.charAt(i);
                s = c >= ALPHABET ? 0 : next[s * ALPHABET + lower(c)];
                for (int k : kinds[s]) {
                    found.set(k);
                }
            }
            return found;
        }
    }
}
