package dev.sluice.deploy;

import static dev.sluice.deploy.DeploymentEvents.environment;
import static dev.sluice.deploy.DeploymentEvents.ledger;
import static dev.sluice.deploy.DeploymentEvents.postRequested;
import static dev.sluice.deploy.DeploymentEvents.report;
import static dev.sluice.deploy.DeploymentEvents.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;

/**
 * Secret values never reach the database: a Secret's data, stringData and annotations (kubectl's
 * last-applied-configuration holds the whole Secret), env literals the secret scanner calls credentials, and a
 * credential inside another object's last-applied-configuration are stored as keyed fingerprints. Every text column
 * of every table is searched for the raw values.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class SecretsNeverStoredTest {
    private static final Random RANDOM = new Random();

    /** Fresh values each run, so no other test's rows can hold them; shaped as the scanner's kinds are. */
    private final String password = "hunter2-" + random(20);
    private final String apiToken = "tok-" + random(30);
    private final String githubToken = "ghp_" + random(36);
    private final String awsKeyId = "AKIA" + random(16).toUpperCase();
    private final String dbPassword = random(28);
    private final String annotated = "note-" + random(24);

    @Test
    void noSecretValueEnvCredentialOrLastAppliedCopyIsStoredAnywhereAndAChangedValueStillShowsInThePlan() throws Exception {
        try (TestRepository repo = TestRepository.create()) {
            String env = environment("secrets");
            String namespace = environment("vault");
            String first = repo.commit("with secrets", Map.of("k8s/app.yaml", manifests(password)));
            JsonNode reply1 = tree(postRequested(UUID.randomUUID(), repo.url(), env, namespace, first).asString());
            assertThat(reply1.path("outcome").asText()).as(reply1.toString()).isEqualTo("VERIFIED");

            String changedPassword = password + "-rotated";
            String second = repo.commit("rotate", Map.of("k8s/app.yaml", manifests(changedPassword)));
            UUID run2 = UUID.randomUUID();
            String reply2 = postRequested(run2, repo.url(), env, namespace, second).asString();
            assertThat(tree(reply2).path("outcome").asText()).as(reply2).isEqualTo("VERIFIED");

            List<String> raw = List.of(password, changedPassword, apiToken, base64(apiToken), githubToken, awsKeyId, dbPassword,
                    annotated);
            assertThat(columnsHolding(raw)).as("table.column holding a raw secret value").isEmpty();
            assertThat(reply1.toString() + reply2).doesNotContain(raw);

            // The plan still tells a rotated value from an unchanged one: keyed fingerprints are stable per value.
            JsonNode plan = report(run2);
            assertThat(plan.toString()).doesNotContain(raw);
            JsonNode secret = object(plan, "Secret");
            assertThat(secret.path("action").asText()).isEqualTo("CHANGE");
            assertThat(texts(secret.path("changedPaths"))).contains("/stringData/password")
                    .doesNotContain("/data/token", "/stringData/user");
            assertThat(object(plan, "Deployment").path("action").asText()).isEqualTo("UNCHANGED");

            Release stored = ledger(env).get(1);
            JsonNode objects = tree(stored.objects);
            JsonNode storedSecret = find(objects, "Secret");
            String fingerprint = storedSecret.path("stringData").path("password").asText();
            assertThat(fingerprint).isEqualTo(hmac(changedPassword)).isNotEqualTo("sha256:" + sha256(changedPassword));
            assertThat(storedSecret.path("data").path("token").asText()).isEqualTo(hmac(base64(apiToken)));
            assertThat(storedSecret.path("metadata").path("annotations").path("team").asText()).isEqualTo(hmac(annotated));
            assertThat(storedSecret.path("stringData").path("user").asText()).isEqualTo(hmac("app"));
            assertThat(storedSecret.path("type").asText()).isEqualTo("Opaque");

            JsonNode container = find(objects, "Deployment").at("/spec/template/spec/containers/0");
            assertThat(env(container, "GITHUB_TOKEN")).isEqualTo(hmac(githubToken));
            assertThat(env(container, "AWS_ACCESS_KEY_ID")).isEqualTo(hmac(awsKeyId));
            assertThat(env(container, "DB_PASSWORD")).isEqualTo(hmac(dbPassword));
            // What the scanner does not call a credential stays readable.
            assertThat(env(container, "LOG_LEVEL")).isEqualTo("debug");
            assertThat(env(container, "PASSWORD_FILE")).isEqualTo("/run/secrets/db");
            // Another object's last-applied-configuration keeps its shape with the credential fingerprinted.
            JsonNode lastApplied = tree(find(objects, "Deployment").path("metadata").path("annotations")
                    .path(SecretValues.LAST_APPLIED).asText());
            assertThat(env(lastApplied.at("/spec/template/spec/containers/0"), "GITHUB_TOKEN")).isEqualTo(hmac(githubToken));
            assertThat(lastApplied.path("metadata").path("name").asText()).isEqualTo("api");
        }
    }

    private String manifests(String secretPassword) {
        String lastAppliedSecret = DeploymentEvents.json(Map.of("apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", "db"), "stringData", Map.of("password", secretPassword, "user", "app"),
                "data", Map.of("token", base64(apiToken))));
        String lastAppliedDeployment = DeploymentEvents.json(Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "api"), "spec", Map.of("template", Map.of("spec", Map.of("containers",
                        List.of(Map.of("name", "api", "env", List.of(Map.of("name", "GITHUB_TOKEN", "value", githubToken)))))))));
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  annotations:
                    team: @ANNOTATED@
                    kubectl.kubernetes.io/last-applied-configuration: '@LAST_SECRET@'
                type: Opaque
                stringData:
                  password: @PW@
                  user: app
                data:
                  token: @TOKEN64@
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: '@LAST_DEPLOYMENT@'
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers:
                        - name: api
                          image: ghcr.io/acme/api:1.0
                          env:
                            - {name: GITHUB_TOKEN, value: @GHP@}
                            - {name: AWS_ACCESS_KEY_ID, value: @AKIA@}
                            - {name: DB_PASSWORD, value: "@DBPW@"}
                            - {name: LOG_LEVEL, value: debug}
                            - {name: PASSWORD_FILE, value: /run/secrets/db}
                """.replace("@ANNOTATED@", annotated).replace("@LAST_SECRET@", lastAppliedSecret)
                .replace("@PW@", secretPassword).replace("@TOKEN64@", base64(apiToken))
                .replace("@LAST_DEPLOYMENT@", lastAppliedDeployment).replace("@GHP@", githubToken).replace("@AKIA@", awsKeyId)
                .replace("@DBPW@", dbPassword);
    }

    /** "table.column" of every text column in the schema that holds one of the values. */
    private static List<String> columnsHolding(List<String> values) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var em = Release.getEntityManager();
            @SuppressWarnings("unchecked")
            List<Object[]> columns = em.createNativeQuery("select table_name, column_name from information_schema.columns"
                    + " where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb')")
                    .getResultList();
            assertThat(columns).as("text columns").hasSizeGreaterThan(10);
            List<String> holding = new ArrayList<>();
            for (Object[] c : columns) {
                for (String value : values) {
                    Number n = (Number) em.createNativeQuery("select count(*) from \"" + c[0] + "\" where position(?1 in \"" + c[1]
                            + "\"::text) > 0").setParameter(1, value).getSingleResult();
                    if (n.longValue() > 0) {
                        holding.add(c[0] + "." + c[1]);
                    }
                }
            }
            return holding;
        });
    }

    private static JsonNode object(JsonNode plan, String kind) {
        for (JsonNode o : plan.path("objects")) {
            if (o.path("kind").asText().equals(kind)) {
                return o;
            }
        }
        throw new AssertionError("no " + kind + " in " + plan);
    }

    private static JsonNode find(JsonNode objects, String kind) {
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals(kind)) {
                return o;
            }
        }
        throw new AssertionError("no " + kind + " in " + objects);
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name + " in " + container);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The fingerprint under the installation's key, as stored in ledger_fingerprint_key. */
    private static String hmac(String value) throws Exception {
        String key = QuarkusTransaction.requiringNew().call(() -> (String) Release.getEntityManager()
                .createNativeQuery("select secret from ledger_fingerprint_key where id = 1").getSingleResult());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HexFormat.of().parseHex(key), "HmacSHA256"));
        return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String random(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
