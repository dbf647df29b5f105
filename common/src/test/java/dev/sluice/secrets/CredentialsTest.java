package dev.sluice.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsTest {
    @Test
    void providerTokensAndSecretsAssignedToSecretNamesAreCredentialsPlaceholdersAndWordsAreNot() {
        assertThat(Credentials.inLine("GITHUB_TOKEN: ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"))
                .singleElement().satisfies(m -> {
                    assertThat(m.kind()).isEqualTo(SecretKind.byId("github-token"));
                    assertThat(m.value()).startsWith("ghp_");
                    assertThat(m.toString()).doesNotContain("ghp_");
                });
        assertThat(Credentials.inLine("DB_PASSWORD: Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB")).extracting(Credentials.Match::kind)
                .containsExactly(SecretKind.ASSIGNED_SECRET);
        assertThat(Credentials.inLine("DB_PASSWORD: ${DB_PASSWORD}")).isEmpty();
        assertThat(Credentials.inLine("PASSWORD_FILE: /run/secrets/db")).isEmpty();
        assertThat(Credentials.inLine("LOG_LEVEL: debug")).isEmpty();
    }

    @Test
    void namesWithDigitsAndSuffixesLongValuesConnectionStringsAndBearerAndBasicCredentialsArePlaceholdersAreNot() {
        assertThat(kinds("db_password2 = \"Qm9vN2xUeW5kR3Zx8kPz\"")).containsExactly("assigned-secret");
        assertThat(kinds("API_KEY_PROD=7fK2pQ9xLmN4vB8sR1tY6wZ3")).containsExactly("assigned-secret");
        assertThat(kinds("SIGNING_KEY=" + "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB".repeat(30))).containsExactly("assigned-secret");
        assertThat(kinds("sort_key: Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB")).isEmpty();
        assertThat(kinds("token_ttl: 86400")).isEmpty();
        assertThat(kinds("amqp://orders:Tq8vLm2Zp9Xk@rabbitmq:5672/")).containsExactly("connection-string");
        assertThat(kinds("postgres://postgres:postgres@localhost:5432/app")).isEmpty();
        assertThat(kinds("redis://:${REDIS_PASSWORD}@redis:6379")).isEmpty();
        assertThat(kinds("Authorization: Bearer 8f3Kq2LmZ9pX4vR7nT1sY6wB5cD0hJ")).containsExactly("bearer-token");
        assertThat(kinds("Authorization: Bearer <token>")).isEmpty();
        // deploy:q7Vm2Kp9Xt4RwL and username:password
        assertThat(kinds("Authorization: Basic ZGVwbG95OnE3Vm0yS3A5WHQ0UndM")).containsExactly("basic-auth");
        assertThat(kinds("Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=")).isEmpty();
        assertThat(kinds("password: changeme")).isEmpty();
        assertThat(kinds("api_key: {{ .Values.apiKey }}")).isEmpty();
    }

    @Test
    void codeAndManifestsThatNameSecretsHoldNone() {
        assertThat(kinds("        topologyKey: kubernetes.io/hostname")).isEmpty();
        assertThat(kinds("  @rubygems_api_key = @api_keys[:rubygems_api_key]")).isEmpty();
        assertThat(kinds("  credentials = ec2_metadata_credentials_json")).isEmpty();
        assertThat(kinds("  connection.key = OpenSSL::PKey::RSA.new pem")).isEmpty();
        assertThat(kinds("currentServerCredentials = serverAuthentication;")).isEmpty();
        assertThat(kinds("final String cacheKey = \"jdk.internal.lambda.disableEagerInitialization\";")).isEmpty();
        assertThat(kinds("  s.signing_key = '/secure/path/to/gem-private_key.pem'")).isEmpty();
        assertThat(kinds("  orig_key = \"#{PREFIX}#{key}\"")).isEmpty();
        assertThat(kinds("{ \"key.password\", \"Schl\\u00FCsselkennwort\" },")).isEmpty();
        assertThat(kinds("uri = URI.parse(\"http://john:S3nsit1ve@my.example.com\")")).isEmpty();
        assertThat(kinds("uri = URI.parse(\"http://john:S3nsit1ve@git.internal\")")).containsExactly("connection-string");
    }

    private static java.util.List<String> kinds(String line) {
        return Credentials.inLine(line).stream().map(m -> m.kind().id).toList();
    }
}
