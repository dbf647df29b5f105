package dev.sluice.analyze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import dev.sluice.events.EventCodec;
import dev.sluice.git.GitRepositories;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.AnalysisRequested;
import dev.sluice.report.StageReport;
import dev.sluice.run.Run;
import dev.sluice.run.RunState;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.testing.TestRepository;
import dev.sluice.analyze.secrets.SecretFingerprint;

/** The rules added on top of the first rule set, each driven by a real CloudEvent against a real repository. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AnalysisRulesTest {
    private static final String ZEROS = "0".repeat(40);

    @Inject
    TreeCache trees;
    @Inject
    RepositoryCache cache;

    private TestRepository repo;

    @BeforeEach
    void createRepository() {
        repo = TestRepository.create();
    }

    @AfterEach
    void closeRepository() {
        repo.close();
    }

    // --- getting the code

    @Test
    void repositoryOutsideTheAllowlistIsRefusedNotRetryableAndNothingIsFetched() {
        for (String url : List.of("https://evil.example.org/shop.git", "/srv/private/shop", "file:///etc/shop",
                repo.url() + "/../../etc")) {
            UUID run = UUID.randomUUID();
            ObjectNode data = request(run, "refs/heads/main", ZEROS, "a".repeat(40));
            data.put("repositoryUrl", url);
            post(run, data).then().statusCode(200)
                    .header("ce-type", EventTypes.STEP_FAILED)
                    .header("ce-subject", run.toString())
                    .body("stage", equalTo("analysis"))
                    .body("retryable", equalTo(false))
                    .body("error", containsString("allowed-"));
            assertThat(cache.cacheFolder(url)).as("no cache folder (no fetch) for " + url).doesNotExist();
            assertThat(storedReport(run)).isNull();
        }
    }

    @Test
    void aRepositoryInsideSluicesOwnGitCacheIsRefusedThoughItsFolderIsUnderAnAllowedPath() {
        String after = repo.commit("init", Map.of("README.md", "# shop\n"));
        UUID first = UUID.randomUUID();
        post(first, request(first, "refs/heads/main", ZEROS, after)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        Path cached = cache.cacheFolder(repo.url());
        assertThat(cached).exists().startsWith(Path.of(System.getProperty("java.io.tmpdir")));
        for (String url : List.of(cached.toString(), cached.toUri().toString())) {
            UUID run = UUID.randomUUID();
            ObjectNode data = request(run, "refs/heads/main", ZEROS, after);
            data.put("repositoryUrl", url);
            post(run, data).then().statusCode(200)
                    .header("ce-type", EventTypes.STEP_FAILED)
                    .body("retryable", equalTo(false))
                    .body("error", containsString("inside Sluice's own git cache (sluice.git.cache-dir)"));
            assertThat(storedReport(run)).isNull();
        }
    }

    @Test
    void aSecondPushFetchesOnlyTheNewObjectsAndOnlyThePushedBranch() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            files.put("src/pkg" + (i % 3) + "/m" + i + ".py", "x = " + i + "\n");
        }
        String first = repo.commit("init", files);
        repo.checkoutNewBranch("other");
        repo.commit("elsewhere", Map.of("other.txt", "not needed\n"));
        Git.open(repo.dir().toFile()).checkout().setName("main").call();

        UUID run1 = UUID.randomUUID();
        post(run1, request(run1, "refs/heads/main", ZEROS, first)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        JsonNode fetch1 = report(run1).get("fetch");
        assertThat(fetch1.get("fetched").asBoolean()).isTrue();
        assertThat(fetch1.get("refspecs").get(0).asText()).isEqualTo("+refs/heads/main:refs/remotes/origin/main (depth 1)");

        String second = repo.commit("one change", Map.of("src/pkg1/m1.py", "x = 100\n"));
        UUID run2 = UUID.randomUUID();
        post(run2, request(run2, "refs/heads/main", first, second)).then().statusCode(200);
        JsonNode fetch2 = report(run2).get("fetch");
        // the new commit, its root tree, src/, src/pkg1/ and the one new file: nothing else crosses the wire
        assertThat(fetch2.get("objectsReceived").asLong()).isEqualTo(5);
        assertThat(fetch1.get("objectsReceived").asLong()).isGreaterThan(30);
        try (Repository cached = Git.open(cache.cacheFolder(repo.url()).toFile()).getRepository()) {
            assertThat(cached.exactRef("refs/remotes/origin/main")).isNotNull();
            assertThat(cached.exactRef("refs/remotes/origin/other")).as("a branch nobody pushed is not fetched").isNull();
        }
    }

    @Test
    void aFirstPushOfALongHistoryFetchesTheTwoCommitsItComparesNotTheHistory() throws Exception {
        String base = repo.commit("start", Map.of("app/main.py", "x = 0\n"));
        for (int i = 1; i <= 40; i++) {
            repo.commit("change " + i, Map.of("app/history" + i + ".py", "y = " + i + "\n"));
        }
        String before = repo.commit("before", Map.of("app/main.py", "x = 1\n"));
        String after = repo.commit("after", Map.of("app/main.py", "x = 2\n"));

        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        JsonNode report = report(run);
        // after's commit, root tree, app/ and its 42 files: 45; the 41 older commits (and their trees) stay behind
        assertThat(report.get("fetch").get("objectsReceived").asLong()).isLessThan(60);
        assertThat(report.get("files")).hasSize(1);
        assertThat(report.at("/files/0/path").asText()).isEqualTo("app/main.py");
        try (Repository cached = Git.open(cache.cacheFolder(repo.url()).toFile()).getRepository()) {
            assertThat(GitRepositories.has(cached, before)).isTrue();
            assertThat(GitRepositories.has(cached, base)).as("history the analysis does not read is not fetched").isFalse();
        }
    }

    // --- what it measures

    @Test
    void languagesOfTheTreeAreCountedAndAnUnchangedSubtreeIsNeverCountedTwice() {
        String before = repo.commit("init", Map.of(
                "a/One.java", "package a;\n\n// one\nclass One {}\n",
                "a/two.py", "\"\"\"doc\"\"\"\nx = 1\n",
                "a/deep/three.go", "package deep\n",
                "b/four.ts", "/* c */\nexport const four = 4;\n",
                "b/five.yaml", "# c\nk: v\n"));
        UUID run1 = UUID.randomUUID();
        long trees0 = trees.counts().treesCounted();
        long blobs0 = trees.counts().blobsCounted();
        post(run1, request(run1, "refs/heads/main", ZEROS, before)).then().statusCode(200);
        assertThat(trees.counts().blobsCounted() - blobs0).isEqualTo(5);
        assertThat(trees.counts().treesCounted() - trees0).isEqualTo(4);
        JsonNode languages = report(run1).get("languages");
        assertThat(languages.at("/Java/code").asInt()).isEqualTo(2);
        assertThat(languages.at("/Java/comment").asInt()).isEqualTo(1);
        assertThat(languages.at("/Java/blank").asInt()).isEqualTo(1);
        assertThat(languages.at("/Python/comment").asInt()).isEqualTo(1);
        assertThat(languages.at("/TypeScript/files").asInt()).isEqualTo(1);
        assertThat(languages.at("/YAML/comment").asInt()).isEqualTo(1);

        String after = repo.commit("change b", Map.of("b/four.ts", "/* c */\nexport const four = 4;\nexport const more = 5;\n"));
        UUID run2 = UUID.randomUUID();
        long trees1 = trees.counts().treesCounted();
        long blobs1 = trees.counts().blobsCounted();
        post(run2, request(run2, "refs/heads/main", before, after)).then().statusCode(200);
        // only the changed file, b/ and the root are read again; a/ (and a/deep/) come from the cache
        assertThat(trees.counts().blobsCounted() - blobs1).isEqualTo(1);
        assertThat(trees.counts().treesCounted() - trees1).isEqualTo(2);
        assertThat(report(run2).at("/languages/TypeScript/code").asInt()).isEqualTo(2);
    }

    @Test
    void vendoredAndGeneratedFilesByPathMarkOrGitattributesAreRecognisedAndWeighLessInTheChangeSize() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n",
                ".gitattributes", "*.txt text\nschema/** linguist-generated\nschema/keep.sql -linguist-generated\n"));
        String after = repo.commit("deps", Map.of(
                "schema/orders.sql", lines(50),
                "schema/keep.sql", "select 1;\n",
                "vendor/lib/lib.go", lines(200),
                "web/app.min.js", lines(100),
                "api/types.pb.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\n" + lines(99),
                "src/app.py", "a = 1\nb = 2\n",
                "tests/test_app.py", "def test(): pass\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200);
        JsonNode report = report(run);
        Map<String, String> kinds = new LinkedHashMap<>();
        report.get("files").forEach(f -> kinds.put(f.get("path").asText(), f.get("kind").asText()));
        assertThat(kinds).containsEntry("vendor/lib/lib.go", "vendored").containsEntry("web/app.min.js", "generated")
                .containsEntry("api/types.pb.go", "generated").containsEntry("src/app.py", "source")
                .containsEntry("tests/test_app.py", "test").containsEntry("schema/orders.sql", "generated")
                .containsEntry("schema/keep.sql", "source");
        assertThat(report.at("/totals/changedLines").asInt()).isEqualTo(403 + 51);
        assertThat(report.at("/totals/weightedLines").asInt()).isEqualTo(3 + 1 + 40 + 5);
        assertThat(report.findValuesAsText("id")).doesNotContain("no-tests");
    }

    @Test
    void aChangeToAFileHalfTheRepositoryDependsOnWeighsMoreThanAChangeToALeaf() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/shop/core/Money.java", "package shop.core;\npublic record Money(long cents) {}\n");
        files.put("src/shop/util/Leaf.java", "package shop.util;\npublic class Leaf {}\n");
        for (int i = 0; i < 4; i++) {
            files.put("src/shop/orders/Order" + i + ".java",
                    "package shop.orders;\nimport shop.core.Money;\npublic class Order" + i + " { Money m; }\n");
        }
        files.put("src/shop/api/Api.java", "package shop.api;\nimport shop.orders.Order0;\nclass Api {}\n");
        files.put("src/test/java/shop/MoneyTest.java", "package shop;\nclass MoneyTest {}\n");
        String base = repo.commit("init", files);
        String core = repo.commit("core", Map.of("src/shop/core/Money.java",
                "package shop.core;\npublic record Money(long cents) { }\n"));
        String leaf = repo.commit("leaf", Map.of("src/shop/util/Leaf.java", "package shop.util;\npublic class Leaf { }\n"));

        UUID coreRun = UUID.randomUUID();
        post(coreRun, request(coreRun, "refs/heads/main", base, core)).then().statusCode(200)
                .body("factors", hasItem(containsString("5 files depend on the change")));
        JsonNode coreReport = report(coreRun);
        assertThat(coreReport.at("/graph/dependents").asInt()).isEqualTo(5);
        assertThat(coreReport.at("/graph/sampleDependents/0").asText()).isEqualTo("src/shop/api/Api.java");
        assertThat(coreReport.at("/graph/dependentsPerChangedFile/src~1shop~1core~1Money.java").asInt()).isEqualTo(5);

        UUID leafRun = UUID.randomUUID();
        post(leafRun, request(leafRun, "refs/heads/main", core, leaf)).then().statusCode(200);
        JsonNode leafReport = report(leafRun);
        assertThat(leafReport.at("/graph/dependents").asInt()).isZero();
        assertThat(leafReport.findValuesAsText("id")).doesNotContain("reach");
        assertThat(coreReport.get("riskScore").asInt()).isGreaterThan(leafReport.get("riskScore").asInt() + 10);
        JsonNode reach = factor(coreReport, "reach");
        assertThat(reach.get("evidence").get(0).get("file").asText()).isEqualTo("src/shop/core/Money.java");
    }

    @Test
    void aFileRenamedAndEditedInOnePushCountsOnlyTheEditedLines() {
        String before = repo.commit("init", Map.of("docs/guide.md", lines(20)));
        Map<String, String> change = new LinkedHashMap<>();
        change.put("docs/guide.md", null);
        change.put("docs/manual.md", lines(20).replace("line 5\n", "line five\n") + "line 21\n");
        String after = repo.commit("rename and edit", change);
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200);
        JsonNode report = report(run);
        assertThat(report.get("files")).hasSize(1);
        JsonNode f = report.at("/files/0");
        assertThat(f.get("path").asText()).isEqualTo("docs/manual.md");
        assertThat(f.get("oldPath").asText()).isEqualTo("docs/guide.md");
        assertThat(f.get("changeType").asText()).isEqualTo("renamed");
        assertThat(f.get("added").asInt()).isEqualTo(2);
        assertThat(f.get("removed").asInt()).isEqualTo(1);
        assertThat(report.at("/totals/changedLines").asInt()).isEqualTo(3);
    }

    @Test
    void aChangeReachesFilesThatImportItThroughMultiLineImportsAndJsxComponentsAreInTheGraph() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("web/src/money.ts", "export const cents = (n: number) => n * 100;\n");
        files.put("web/src/cart.ts", "import {\n  cents,\n  euros,\n} from './money';\n\nexport const total = cents(1);\n");
        files.put("web/src/Checkout.jsx", "import React from 'react';\nimport {\n  total\n} from './cart';\n\n"
                + "export const Checkout = () => <p>{total}</p>;\n");
        files.put("web/src/App.jsx", "import { Checkout } from './Checkout';\nexport default function App() { return <Checkout/>; }\n");
        files.put("web/src/leaf.ts", "export const leaf = 1;\n");
        String base = repo.commit("init", files);
        String after = repo.commit("money", Map.of("web/src/money.ts", "export const cents = (n: number) => Math.round(n * 100);\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", base, after)).then().statusCode(200)
                .body("factors", hasItem(containsString("3 files depend on the change")));
        JsonNode report = report(run);
        assertThat(report.at("/graph/files").asInt()).isEqualTo(5);
        assertThat(report.at("/graph/sampleDependents").toString())
                .isEqualTo("[\"web/src/App.jsx\",\"web/src/Checkout.jsx\",\"web/src/cart.ts\"]");
        assertThat(factor(report, "reach").at("/evidence/0/file").asText()).isEqualTo("web/src/money.ts");
    }

    @Test
    void deletingAFileHalfTheRepositoryImportsReachesTheFilesThatStillImportIt() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/shop/core/Money.java", "package shop.core;\npublic record Money(long cents) {}\n");
        files.put("src/shop/util/Leaf.java", "package shop.util;\npublic class Leaf {}\n");
        for (int i = 0; i < 4; i++) {
            files.put("src/shop/orders/Order" + i + ".java",
                    "package shop.orders;\nimport shop.core.Money;\npublic class Order" + i + " { Money m; }\n");
        }
        files.put("src/shop/api/Api.java", "package shop.api;\nimport shop.orders.Order0;\nclass Api {}\n");
        files.put("src/test/java/shop/ApiTest.java", "package shop;\nclass ApiTest {}\n");
        String base = repo.commit("init", files);
        Map<String, String> deleteMoney = new LinkedHashMap<>();
        deleteMoney.put("src/shop/core/Money.java", null);
        String noMoney = repo.commit("drop Money", deleteMoney);
        Map<String, String> deleteLeaf = new LinkedHashMap<>();
        deleteLeaf.put("src/shop/util/Leaf.java", null);
        String noLeaf = repo.commit("drop Leaf", deleteLeaf);

        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", base, noMoney)).then().statusCode(200)
                .body("factors", hasItem(containsString("5 files depend on the change")));
        JsonNode report = report(run);
        assertThat(report.at("/graph/dependents").asInt()).isEqualTo(5);
        assertThat(report.at("/graph/dependentsPerChangedFile/src~1shop~1core~1Money.java").asInt()).isEqualTo(5);
        JsonNode reach = factor(report, "reach");
        assertThat(reach.at("/evidence/0/file").asText()).isEqualTo("src/shop/core/Money.java");
        // 4 orders and the api of the 7 files left
        assertThat(reach.get("weight").asInt()).isEqualTo(Math.round(20 * 5 / 7.0f));

        UUID leaf = UUID.randomUUID();
        post(leaf, request(leaf, "refs/heads/main", noMoney, noLeaf)).then().statusCode(200);
        assertThat(report(leaf).at("/graph/dependents").asInt()).isZero();
        assertThat(report(leaf).findValuesAsText("id")).doesNotContain("reach");
    }

    @Test
    void aChangeInsideAnImportCycleIsNamedWithTheCycle() {
        String base = repo.commit("init", Map.of("app/a.py", "import app.b\n", "app/b.py", "import app.a\n",
                "app/__init__.py", "", "app/c.py", "x = 1\n"));
        String after = repo.commit("touch a", Map.of("app/a.py", "import app.b\ny = 2\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", base, after)).then().statusCode(200)
                .body("factors", hasItem("change touches an import cycle: app/a.py"));
        JsonNode report = report(run);
        assertThat(report.at("/graph/cycles").asInt()).isEqualTo(1);
        assertThat(report.at("/graph/largestCycles/0").toString()).isEqualTo("[\"app/a.py\",\"app/b.py\"]");
    }

    @Test
    void providerTokensJwtsAndHighEntropyPasswordsInAddedLinesRejectWithoutBeingStored() {
        String github = "ghp_" + "Zq7LxW2nR9tK4mB8vC1dF6hJ3sP0yU5eA2gT";
        String stripe = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
        String password = "Tr0ub4dor&3xK9mQ2vLp";
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("config", Map.of(
                "deploy/app.env", "GITHUB_TOKEN=" + github + "\nSTRIPE_KEY=" + stripe + "\n",
                "src/settings.py", "DEBUG = False\ndb_password = \"" + password + "\"\nplaceholder_password = \"${DB_PASSWORD}\"\n"));
        UUID run = UUID.randomUUID();
        Response reply = post(run, request(run, "refs/heads/main", before, after));
        reply.then().statusCode(200).body("decision", equalTo("REJECT")).body("riskScore", equalTo(100))
                .body("factors[0]", containsString("3 secrets added"));
        JsonNode report = report(run);
        assertThat(report.get("secrets").findValuesAsText("kind")).containsExactly("github-token", "stripe-key",
                "assigned-secret");
        assertThat(report.get("secrets").findValuesAsText("line")).containsExactly("1", "2", "2");
        String stored = storedReport(run).report;
        assertThat(stored).doesNotContain(github).doesNotContain(stripe).doesNotContain(password);
        assertThat(reply.asString()).doesNotContain(github);
    }

    @Test
    void aSecretAllowedInlineWithAReasonDoesNotRejectAndTheReportShowsTheReason() {
        String key = "AKIA" + "ZQ3VW7XK2M4N5P6R";
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("docs", Map.of("docs/aws.sh",
                "export AWS_ACCESS_KEY_ID=" + key + "  # sluice:allow revoked key kept for the tutorial\n"
                        + "export OTHER=" + key.replace('Z', 'Y') + " # sluice:allow\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("REJECT"))
                .body("factors[0]", equalTo("secret added: AWS access key id at docs/aws.sh:2"));
        JsonNode report = report(run);
        assertThat(report.at("/allowedSecrets/0/line").asInt()).isEqualTo(1);
        assertThat(report.at("/allowedSecrets/0/reason").asText()).isEqualTo("revoked key kept for the tutorial");
        assertThat(report.at("/allowedSecrets/0/allowedBy").asText()).isEqualTo("inline");
        assertThat(report.at("/secrets/0/line").asInt()).as("a marker without a reason allows nothing").isEqualTo(2);
    }

    @Test
    void aFingerprintIsKeyedWithTheInstallationsStoredKeyAndTheReportHoldsNeitherTheValueNorItsPlainHash() throws Exception {
        String password = "Tr0ub4dor&3xK9mQ2vLp";
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("config", Map.of("src/settings.py", "db_password = \"" + password + "\"\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200).body("decision", equalTo("REJECT"));
        JsonNode report = report(run);
        assertThat(report.at("/secrets/0/kind").asText()).isEqualTo("assigned-secret");
        // the key in use is the one kept in the database: the same after a restart
        assertThat(report.at("/secrets/0/fingerprint").asText()).isEqualTo(hmac(storedFingerprintKey(), password));
        assertThat(SecretFingerprint.of(password)).isEqualTo(hmac(storedFingerprintKey(), password));
        String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(password.getBytes(StandardCharsets.UTF_8)));
        assertThat(storedReport(run).report).doesNotContain(password).doesNotContain(plain.substring(0, 12))
                .doesNotContain(plain.substring(0, 8));
    }

    @Test
    void aMeasurementCachedUnderAnotherFingerprintKeyIsMeasuredAgainWithTheKeyInUse() {
        String token = "glpat-" + "Ab12Cd34Ef56Gh78Ij90";
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("token", Map.of("ci.env", "GITLAB_TOKEN=" + token + "\n"));
        UUID run1 = UUID.randomUUID();
        post(run1, request(run1, "refs/heads/main", before, after)).then().statusCode(200);
        assertThat(report(run1).at("/secrets/0/fingerprint").asText()).isEqualTo(hmac(storedFingerprintKey(), token));
        byte[] other = "an operator's own key".getBytes(StandardCharsets.UTF_8);
        SecretFingerprint.useKey(other);
        try {
            UUID run2 = UUID.randomUUID();
            post(run2, request(run2, "refs/heads/main", before, after)).then().statusCode(200);
            assertThat(report(run2).at("/secrets/0/fingerprint").asText()).isEqualTo(hmac(other, token));
        } finally {
            SecretFingerprint.useKey(storedFingerprintKey());
        }
        long rows = QuarkusTransaction.requiringNew().call(() -> AnalysisCacheEntry.count(
                "repositoryUrl = ?1 and beforeSha = ?2 and afterSha = ?3", repo.url(), before, after));
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void aSecretAllowedInSluiceYamlByPathGlobDoesNotRejectButTheSameSecretElsewhereDoes() {
        String token = "glpat-" + "Xy12Zw34Vu56Ts78Rq90";
        String before = repo.commit("init", Map.of(".sluice.yaml", "analysis:\n  allow:\n    - path: \"test/fixtures/**\"\n"
                + "      reason: fixtures of a deleted GitLab instance\n"));
        String fixture = repo.commit("fixture", Map.of("test/fixtures/gitlab/token.json", "{\"token\": \"" + token + "\"}\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, fixture)).then().statusCode(200)
                .body("decision", not(equalTo("REJECT")));
        JsonNode report = report(run);
        assertThat(report.get("secrets")).isEmpty();
        assertThat(report.at("/allowedSecrets/0/file").asText()).isEqualTo("test/fixtures/gitlab/token.json");
        assertThat(report.at("/allowedSecrets/0/reason").asText()).isEqualTo("fixtures of a deleted GitLab instance");

        String leaked = repo.commit("leak", Map.of("src/app.env", "TOKEN=" + token + "\n"));
        UUID run2 = UUID.randomUUID();
        post(run2, request(run2, "refs/heads/main", fixture, leaked)).then().statusCode(200)
                .body("decision", equalTo("REJECT"));
        assertThat(report(run2).at("/secrets/0/file").asText()).isEqualTo("src/app.env");
    }

    @Test
    void aSecretAllowedInSluiceYamlByRuleAllowsThatKindOnly() {
        String awsKey = "AKIA" + "ZQ3VW7XK2M4N5P6R";
        String github = "ghp_" + "Zq7LxW2nR9tK4mB8vC1dF6hJ3sP0yU5eA2gT";
        String before = repo.commit("init", Map.of(".sluice.yaml", "analysis:\n  allow:\n    - rule: aws-access-key-id\n"
                + "      reason: documentation keys of AWS' own examples\n"));
        String after = repo.commit("docs", Map.of("docs/setup.sh", "export AWS_ACCESS_KEY_ID=" + awsKey + "\n",
                "ci/token.env", "GITHUB_TOKEN=" + github + "\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("REJECT"))
                .body("factors[0]", equalTo("secret added: GitHub token at ci/token.env:1"));
        JsonNode report = report(run);
        assertThat(report.get("secrets").findValuesAsText("kind")).containsExactly("github-token");
        assertThat(report.get("allowedSecrets").findValuesAsText("kind")).containsExactly("aws-access-key-id");
        assertThat(report.at("/allowedSecrets/0/reason").asText()).isEqualTo("documentation keys of AWS' own examples");
    }

    @Test
    void aSecretAllowedInSluiceYamlByFingerprintDoesNotReject() {
        String token = "glpat-" + "Xy12Zw34Vu56Ts78Rq90";
        // the fingerprint a report showed: computed here from the installation's stored key, not by the scanner
        String before = repo.commit("init", Map.of(".sluice.yaml", "analysis:\n  allow:\n    - fingerprint: "
                + hmac(storedFingerprintKey(), token) + "\n      reason: test fixture token of a deleted GitLab instance\n"));
        String after = repo.commit("fixture", Map.of("test/fixtures/gitlab.json", "{\"token\": \"" + token + "\"}\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", not(equalTo("REJECT")));
        JsonNode report = report(run);
        assertThat(report.get("secrets")).isEmpty();
        assertThat(report.at("/allowedSecrets/0/kind").asText()).isEqualTo("gitlab-token");
        assertThat(report.at("/allowedSecrets/0/allowedBy").asText()).isEqualTo(".sluice.yaml");
        assertThat(report.at("/allowedSecrets/0/reason").asText()).isEqualTo("test fixture token of a deleted GitLab instance");
    }

    @Test
    void securityCodeAndKubernetesManifestsOutsideTheManifestPathsAreRiskyPaths() {
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("auth", Map.of(
                "src/main/java/shop/AuthFilter.java", "package shop;\nclass AuthFilter {}\n",
                "ops/web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
                "src/test/java/shop/AuthFilterTest.java", "package shop;\nclass AuthFilterTest {}\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("factors", hasItem(containsString("authentication or security code changed: src/main/java/shop/AuthFilter.java")))
                .body("factors", hasItem("deployment manifests changed: ops/web.yaml"));
    }

    @Test
    void conflictMarkersNeedReview() {
        String before = repo.commit("init", Map.of("src/app.py", "a = 1\n", "tests/test_app.py", "pass\n"));
        String after = repo.commit("bad merge", Map.of("src/app.py", "<<<<<<< HEAD\na = 1\n=======\na = 2\n>>>>>>> feature\n",
                "tests/test_app.py", "pass\npass\n"));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("NEEDS_REVIEW"))
                .body("factors[0]", equalTo("merge conflict markers added: src/app.py:1 (+1 more)"));
        assertThat(factor(report(run), "conflict-markers").get("evidence").toString())
                .isEqualTo("[{\"file\":\"src/app.py\",\"line\":1},{\"file\":\"src/app.py\",\"line\":5}]");
    }

    @Test
    void codeWithoutTestsDeletedTestsAndAForcedPushAreFactors() {
        String before = repo.commit("init", Map.of("src/app.go", "package app\n", "src/app_test.go", "package app\n"));
        Map<String, String> drop = new LinkedHashMap<>();
        drop.put("src/app.go", "package app\n\nvar x = 1\n");
        drop.put("src/app_test.go", null);
        String after = repo.commit("drop tests", drop);
        UUID run = UUID.randomUUID();
        ObjectNode data = request(run, "refs/heads/main", before, after);
        data.put("forced", true);
        post(run, data).then().statusCode(200)
                .body("factors", hasItem("1 test deleted: src/app_test.go"))
                .body("factors", hasItem("forced push: history was rewritten"))
                .body("factors", not(hasItem(containsString("no test changed"))));

        String later = repo.commit("more code", Map.of("src/app.go", "package app\n\nvar x = 2\n"));
        UUID run2 = UUID.randomUUID();
        post(run2, request(run2, "refs/heads/main", after, later)).then().statusCode(200)
                .body("factors", hasItem("1 code file changed and no test changed"));
    }

    // --- conflicts

    @Test
    void twoManifestsDefiningTheSameObjectNeedReviewAndNameBothPlaces() {
        String before = repo.commit("init", Map.of("k8s/web.yaml", deployment("web", null)));
        String after = repo.commit("copy", Map.of("k8s/web-copy.yaml", "# copy\n" + deployment("web", null)));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("NEEDS_REVIEW"))
                .body("factors", hasItem("two manifests define Deployment web: [k8s/web-copy.yaml:2, k8s/web.yaml:1]"));
    }

    @Test
    void touchingAnObjectAnotherRunIsDeployingToTheSameEnvironmentNeedsReview() {
        UUID other = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            Run r = new Run();
            r.id = other;
            r.repositoryUrl = "/elsewhere/shop";
            r.ref = "refs/heads/main";
            r.afterSha = "b".repeat(40);
            r.state = RunState.DEPLOYING;
            r.environment = "production";
            r.createdAt = Instant.now();
            r.updatedAt = r.createdAt;
            r.persist();
            StageReport.save(other, StageReport.DEPLOYMENT, 1, Map.of("objects", List.of(
                    Map.of("kind", "Deployment", "namespace", "default", "name", "web"),
                    Map.of("kind", "Service", "namespace", "default", "name", "web"))));
        });
        String before = repo.commit("init", Map.of("README.md", "# shop\n"));
        String after = repo.commit("web", Map.of("k8s/web.yaml", deployment("web", null), "k8s/db.yaml", deployment("db", null)));
        UUID run = UUID.randomUUID();
        post(run, request(run, "refs/heads/main", before, after)).then().statusCode(200)
                .body("decision", equalTo("NEEDS_REVIEW"))
                .body("factors[0]", equalTo("run " + other + " is deploying Deployment default/web to the same environment now"));
        JsonNode report = report(run);
        assertThat(report.at("/deployingConflicts/0/file").asText()).isEqualTo("k8s/web.yaml");
        assertThat(report.get("deployingConflicts")).hasSize(1);

        // a branch that deploys nowhere conflicts with nothing
        UUID feature = UUID.randomUUID();
        post(feature, request(feature, "refs/heads/feature", before, after)).then().statusCode(200)
                .body("factors", not(hasItem(containsString("is deploying"))));
        QuarkusTransaction.requiringNew().run(() -> Run.deleteById(other));
    }

    // --- determinism and caching

    @Test
    void theSameRepositoryBeforeAndAfterAreMeasuredOnceAndServedFromTheCacheWithoutTheRepository() throws IOException {
        String before = repo.commit("init", Map.of("src/a.py", "import b\n", "src/b.py", "x = 1\n"));
        String after = repo.commit("more", Map.of("src/b.py", "x = 2\n"));
        UUID run1 = UUID.randomUUID();
        post(run1, request(run1, "refs/heads/main", before, after)).then().statusCode(200);
        JsonNode first = comparable(report(run1));

        // Neither the repository nor the git cache is needed any more: the measurement is cached in the database.
        delete(repo.dir());
        delete(cache.cacheFolder(repo.url()));
        UUID run2 = UUID.randomUUID();
        post(run2, request(run2, "refs/heads/main", before, after)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        assertThat(comparable(report(run2))).isEqualTo(first);
        long rows = QuarkusTransaction.requiringNew().call(() -> AnalysisCacheEntry.count(
                "repositoryUrl = ?1 and beforeSha = ?2 and afterSha = ?3", repo.url(), before, after));
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void theCachedMeasurementHoldsNoWordsOfTheRequestThatMadeIt() {
        String after = repo.commit("one", Map.of("README.md", "# shop\n"));
        String gone = "1234567890abcdef1234567890abcdef12345678";
        UUID forced = UUID.randomUUID();
        ObjectNode forcedPush = request(forced, "refs/heads/main", gone, after);
        forcedPush.put("forced", true);
        post(forced, forcedPush).then().statusCode(200);
        assertThat(report(forced).get("wholeTreeReason").asText())
                .isEqualTo("previous commit " + gone + " is not in the repository (forced push)");

        UUID plain = UUID.randomUUID();
        post(plain, request(plain, "refs/heads/main", gone, after)).then().statusCode(200);
        JsonNode plainReport = report(plain);
        assertThat(plainReport.get("wholeTreeReason").asText()).isEqualTo("previous commit " + gone + " is not in the repository");
        assertThat(plainReport.at("/confidenceNotes/0").asText()).doesNotContain("forced");

        // all zeros and no before at all share one cache entry; each report says what its request said
        UUID main = UUID.randomUUID();
        post(main, request(main, "refs/heads/main", ZEROS, after)).then().statusCode(200);
        assertThat(report(main).get("wholeTreeReason").asText()).isEqualTo("first push of refs/heads/main (before is all zeros)");
        UUID none = UUID.randomUUID();
        post(none, request(none, "refs/heads/feature", null, after)).then().statusCode(200);
        assertThat(report(none).get("wholeTreeReason").asText()).isEqualTo("no previous commit was given");
        UUID feature = UUID.randomUUID();
        post(feature, request(feature, "refs/heads/feature", ZEROS, after)).then().statusCode(200);
        assertThat(report(feature).get("wholeTreeReason").asText())
                .isEqualTo("first push of refs/heads/feature (before is all zeros)");
        long rows = QuarkusTransaction.requiringNew().call(() -> AnalysisCacheEntry.count("repositoryUrl = ?1 and afterSha = ?2",
                repo.url(), after));
        assertThat(rows).as("one entry for the missing before, one for none").isEqualTo(2);
    }

    @Test
    void aWholeTreeAnalysisMadeBecauseFetchingBeforeFailedIsNotCachedAndTheNextTryDiffs() throws IOException {
        repo.commit("init", Map.of("README.md", "# shop\n"));
        String onlyInBefore = "written in before, changed in after\n";
        String before = repo.commit("before", Map.of("notes.txt", onlyInBefore));
        String after = repo.commit("after", Map.of("notes.txt", "changed\n"));
        // The remote has before, but one of its objects is unreadable: fetching before fails, for a reason of its own.
        String blob = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, onlyInBefore.getBytes(StandardCharsets.UTF_8))
                .name();
        Path loose = repo.dir().resolve(".git/objects/" + blob.substring(0, 2) + "/" + blob.substring(2));
        byte[] saved = Files.readAllBytes(loose);
        Files.delete(loose);

        UUID run1 = UUID.randomUUID();
        post(run1, request(run1, "refs/heads/main", before, after)).then().statusCode(200)
                .header("ce-type", EventTypes.ANALYSIS_COMPLETED);
        JsonNode first = report(run1);
        assertThat(first.get("wholeTree").asBoolean()).isTrue();
        assertThat(first.get("wholeTreeReason").asText()).startsWith("previous commit " + before + " could not be fetched: ");
        long rows = QuarkusTransaction.requiringNew().call(() -> AnalysisCacheEntry.count(
                "repositoryUrl = ?1 and beforeSha = ?2 and afterSha = ?3", repo.url(), before, after));
        assertThat(rows).as("not cached").isZero();

        Files.write(loose, saved);
        UUID run2 = UUID.randomUUID();
        post(run2, request(run2, "refs/heads/main", before, after)).then().statusCode(200);
        JsonNode second = report(run2);
        assertThat(second.get("wholeTree").asBoolean()).isFalse();
        assertThat(second.get("base").asText()).isEqualTo(before);
        assertThat(paths(second)).containsExactly("notes.txt");
    }

    @Test
    void measuringTheSameContentTwiceWithoutTheCacheGivesTheSameReport() {
        String before = repo.commit("init", Map.of("src/a.py", "import b\n", "src/b.py", "x = 1\n", "k8s/a.yaml",
                deployment("a", "shop")));
        String after = repo.commit("more", Map.of("src/b.py", "x = 2\ntoken = \"9fQ2xL7vK3mN8pR4tW6y\"\n",
                "Dockerfile", "FROM scratch\n"));
        UUID run1 = UUID.randomUUID();
        post(run1, request(run1, "refs/heads/main", before, after)).then().statusCode(200);
        // A second URL for the same repository is a second cache key: measured again from scratch.
        UUID run2 = UUID.randomUUID();
        ObjectNode data = request(run2, "refs/heads/main", before, after);
        data.put("repositoryUrl", Path.of(repo.url()).toUri().toString());
        post(run2, data).then().statusCode(200);
        JsonNode a = comparable(report(run1));
        JsonNode b = comparable(report(run2));
        ((ObjectNode) a).remove("repositoryUrl");
        ((ObjectNode) b).remove("repositoryUrl");
        assertThat(b).isEqualTo(a);
    }

    private static JsonNode comparable(JsonNode report) {
        ObjectNode o = (ObjectNode) report;
        o.remove("runId");
        o.remove("durationMs");
        o.remove("fetch");
        return o;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String deployment(String name, String namespace) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n"
                + (namespace == null ? "" : "  namespace: " + namespace + "\n")
                + "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/" + name + ":1.0\n";
    }

    private static JsonNode factor(JsonNode report, String id) {
        for (JsonNode f : report.get("factors")) {
            if (f.get("id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError("no factor " + id + " in " + report.get("factors"));
    }

    private ObjectNode request(UUID run, String ref, String before, String after) {
        return EventCodec.json().valueToTree(new AnalysisRequested(run, 1, repo.url(), ref, before, after, false));
    }

    private static Response post(UUID run, ObjectNode data) {
        return Events.postSigned("/", EventTypes.ANALYSIS_REQUESTED, UUID.randomUUID().toString(), "/sluice/route",
                run.toString(), data.toString());
    }

    private static StageReport storedReport(UUID run) {
        return QuarkusTransaction.requiringNew().call(() -> StageReport.latest(run, StageReport.ANALYSIS));
    }

    private static JsonNode report(UUID run) {
        StageReport stored = storedReport(run);
        assertThat(stored).as("stored analysis report of " + run).isNotNull();
        try {
            return EventCodec.json().readTree(stored.report);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] storedFingerprintKey() {
        String hex = QuarkusTransaction.requiringNew().call(() -> (String) AnalysisCacheEntry.getEntityManager()
                .createNativeQuery("select secret from analysis_fingerprint_key where id = 1").getSingleResult());
        return HexFormat.of().parseHex(hex);
    }

    private static String hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> paths(JsonNode report) {
        return report.get("files").findValuesAsText("path");
    }

    private static String lines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
    }
}
