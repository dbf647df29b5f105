package dev.sluice.analyze;

import java.util.regex.Pattern;

/**
 * The kinds of secret the scanner knows: provider tokens by their documented shape, and high-entropy values
 * assigned to names like password, secret or token. {@code group} is the part of a match that is the secret
 * (what the fingerprint hashes and the entropy check reads); {@code minEntropy} is in bits per character.
 */
enum SecretKind {
    PRIVATE_KEY("private-key", "private key",
            "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----", 0, 0),
    AWS_ACCESS_KEY_ID("aws-access-key-id", "AWS access key id",
            "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})\\b", 1, 3.0),
    AWS_SECRET_ACCESS_KEY("aws-secret-access-key", "AWS secret access key",
            "(?i)aws.{0,20}?(?:secret|private).{0,20}?['\"=:\\s]{1,4}([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", 1, 4.0),
    GCP_SERVICE_ACCOUNT("gcp-service-account", "GCP service account key",
            "\"private_key_id\"\\s*:\\s*\"([a-f0-9]{40})\"", 1, 3.0),
    GCP_API_KEY("gcp-api-key", "GCP API key", "\\b(AIza[\\w-]{35})(?![\\w-])", 1, 4.0),
    AZURE_STORAGE_KEY("azure-storage-key", "Azure storage account key",
            "(?i)AccountKey\\s*=\\s*([A-Za-z0-9+/]{86}==)", 1, 4.0),
    AZURE_CLIENT_SECRET("azure-client-secret", "Azure AD client secret",
            "(?:^|[\\\\'\"`\\s>=:(,)])([a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\\\'\"`\\s<),])", 1, 3.0),
    GITHUB_TOKEN("github-token", "GitHub token",
            "\\b((?:ghp|gho|ghu|ghs|ghr)_[0-9a-zA-Z]{36}|github_pat_\\w{82})\\b", 1, 3.0),
    GITLAB_TOKEN("gitlab-token", "GitLab token",
            "\\b(glpat-[\\w-]{20}|glptt-[0-9a-f]{40}|GR1348941[\\w-]{20}|gldt-[\\w-]{20}|glrt-[\\w-]{20}|glcbt-[\\w-]{20,})(?![\\w-])",
            1, 3.0),
    SLACK_TOKEN("slack-token", "Slack token", "\\b(xox[baprse]-(?:[0-9A-Za-z]+-){1,4}[0-9A-Za-z]{6,})", 1, 3.0),
    SLACK_WEBHOOK("slack-webhook", "Slack webhook URL",
            "(https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56})", 1, 3.0),
    STRIPE_KEY("stripe-key", "Stripe key", "\\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})\\b", 1, 3.0),
    JWT("jwt", "JSON Web Token",
            "\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/\\\\_-]{17,}\\.(?:[a-zA-Z0-9/\\\\_-]{10,}={0,2})?)", 1, 3.0),
    ASSIGNED_SECRET("assigned-secret", "high-entropy value assigned to a secret name",
            "(?i)(?<![\\w.-])([\\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key"
                    + "|private[_-]?key|credentials?)(?:[_.-][\\w.-]*|(?-i:[A-Z])[\\w-]*)?)['\"]?\\s*(?::=|=>|=|:)\\s*(['\"`]?)([^'\"`\\s;,)]{8,200})\\2",
            3, 3.5);

    final String id;
    final String label;
    final Pattern pattern;
    final int group;
    final double minEntropy;

    SecretKind(String id, String label, String regex, int group, double minEntropy) {
        this.id = id;
        this.label = label;
        this.pattern = Pattern.compile(regex);
        this.group = group;
        this.minEntropy = minEntropy;
    }

    static String label(String id) {
        for (SecretKind k : values()) {
            if (k.id.equals(id)) {
                return k.label;
            }
        }
        return id;
    }
}
