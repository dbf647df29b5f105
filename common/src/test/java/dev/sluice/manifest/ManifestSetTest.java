package dev.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ManifestSetTest {
    @Test
    void splitsDocumentsAndKeepsTheLineEachStartsOn() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n";
        List<ManifestDocument> docs = ManifestSet.parse("k8s/x.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).line()).isEqualTo(1);
        assertThat(docs.get(0).name()).isEqualTo("a");
        assertThat(docs.get(1).line()).isEqualTo(6);
        assertThat(docs.get(1).kind()).isEqualTo("Service");
    }

    @Test
    void aDocumentThatDoesNotParseNamesItsLine() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [unclosed\n";
        List<ManifestDocument> docs = ManifestSet.parse("k8s/bad.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(docs).hasSize(2);
        assertThat(docs.get(1).parsed()).isFalse();
        assertThat(docs.get(1).line()).isEqualTo(8);
        assertThat(docs.get(1).error()).isEqualTo("does not parse: expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 7)");
    }

    @Test
    void aBillionLaughsIsRefusedNotExpanded() {
        StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            y.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                y.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            y.append("]\n");
            prev = c;
        }
        long started = System.nanoTime();
        List<ManifestDocument> docs = ManifestSet.parse("k8s/bomb.yaml", y.toString().getBytes(StandardCharsets.UTF_8));

        // f (line 6) is where 9^5 lols pass the 100,000 copied nodes a file may have
        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.parsed()).isFalse();
            assertThat(d.file()).isEqualTo("k8s/bomb.yaml");
            assertThat(d.line()).isEqualTo(6);
            assertThat(d.error()).isEqualTo("refused: aliases expand to more than 100000 copied nodes in one file (an alias bomb?)");
        });
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
    }

    @Test
    void moreAliasesThanTheLimitAreRefusedAtTheLineWhereTheyPassIt() {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx: &x {k: v}\nlist:\n");
        for (int i = 0; i <= ManifestSet.MAX_ALIASES; i++) {
            y.append("- *x\n");
        }
        List<ManifestDocument> docs = ManifestSet.parse("k8s/many.yaml", y.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.error()).isEqualTo("refused: more than 1000 aliases to mappings or lists in one file (an alias bomb?)");
            assertThat(d.line()).isBetween(5 + ManifestSet.MAX_ALIASES, 7 + ManifestSet.MAX_ALIASES);
        });
    }

    @Test
    void aliasesAndMergeKeysAreExpandedAsKubectlReadsThem() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: &labels {app: web, tier: front}
                spec:
                  selector:
                    matchLabels: *labels
                  template:
                    metadata: {labels: *labels}
                    spec:
                      containers:
                      - &app
                        name: app
                        image: nginx:1.27
                        resources: {limits: {memory: 128Mi}}
                      - <<: *app
                        name: sidecar
                      - <<: [{name: third, image: busybox:1}, *app]
                        image: busybox:2
                """;
        ManifestDocument d = ManifestSet.parse("k8s/app.yaml", yaml.getBytes(StandardCharsets.UTF_8)).get(0);

        assertThat(d.parsed()).as(d.error()).isTrue();
        assertThat(d.content().at("/spec/selector/matchLabels").toString()).isEqualTo("{\"app\":\"web\",\"tier\":\"front\"}");
        assertThat(d.content().at("/spec/template/metadata/labels/tier").asText()).isEqualTo("front");
        assertThat(d.content().at("/spec/template/spec/containers/1").toString())
                .isEqualTo("{\"name\":\"sidecar\",\"image\":\"nginx:1.27\",\"resources\":{\"limits\":{\"memory\":\"128Mi\"}}}");
        // keys written beside << win; of the merged mappings the earlier one wins
        assertThat(d.content().at("/spec/template/spec/containers/2/name").asText()).isEqualTo("third");
        assertThat(d.content().at("/spec/template/spec/containers/2/image").asText()).isEqualTo("busybox:2");
        assertThat(d.content().at("/spec/template/spec/containers/2/resources/limits/memory").asText()).isEqualTo("128Mi");
        // each alias is a copy of its own: changing one changes no other
        ((com.fasterxml.jackson.databind.node.ObjectNode) d.content().at("/spec/selector/matchLabels")).put("app", "changed");
        assertThat(d.content().at("/metadata/labels/app").asText()).isEqualTo("web");
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothLines() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        List<ManifestDocument> docs = ManifestSet.parse("k8s/dup.yaml", yaml.getBytes(StandardCharsets.UTF_8));

        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).line()).isEqualTo(5);
        assertThat(docs.get(0).error()).isEqualTo("refused: duplicate key 'name' (first at line 4); kubectl would keep only one of them");
        // the next document is still read
        assertThat(docs.get(1).name()).isEqualTo("c");
        List<ManifestDocument> json = ManifestSet.parse("k8s/dup.json",
                "{\"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\",\n \"kind\": \"Secret\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(json).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(3);
            assertThat(d.error()).startsWith("does not parse: Duplicate field 'kind'");
        });
    }

    @Test
    void aRecursiveAliasAndDeepNestingAreRefused() {
        List<ManifestDocument> recursive = ManifestSet.parse("k8s/r.yaml", "apiVersion: v1\nkind: List\nitems: &i [*i]\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(recursive).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(3);
            assertThat(d.error()).isEqualTo("refused: the alias *i is used inside its own anchor (a recursive alias)");
        });
        String deep = "a: " + "[".repeat(ManifestSet.MAX_DEPTH + 1) + "]".repeat(ManifestSet.MAX_DEPTH + 1) + "\n";
        assertThat(ManifestSet.parse("k8s/deep.yaml", deep.getBytes(StandardCharsets.UTF_8))).singleElement()
                .extracting(ManifestDocument::error).isEqualTo("refused: nested deeper than 100 levels");
        // a modest nesting of aliases is fine, a deep one is refused
        StringBuilder chain = new StringBuilder("a0: &a0 [[[[[[[[[[x]]]]]]]]]]\n");
        for (int i = 1; i <= 10; i++) {
            chain.append("a").append(i).append(": &a").append(i).append(" [[[[[[[[[[*a").append(i - 1).append("]]]]]]]]]]\n");
        }
        assertThat(ManifestSet.parse("k8s/chain.yaml", chain.toString().getBytes(StandardCharsets.UTF_8))).singleElement()
                .satisfies(d -> {
                    assertThat(d.error()).isEqualTo("refused: aliases nest deeper than 100 levels");
                    assertThat(d.line()).isEqualTo(10);
                });
    }

    @Test
    void scalarsGetTheTypesKubectlGivesThem() {
        String yaml = "mode: 0644\nhex: 0x1F\nbig: 1_000\nhalf: 0.5\non: yes\nquoted: \"3\"\nclock: 1:20\nnothing: ~\nday: 2024-01-02\n";
        var c = ManifestSet.parse("k8s/s.yaml", yaml.getBytes(StandardCharsets.UTF_8)).get(0).content();

        assertThat(c.get("mode").intValue()).isEqualTo(420);
        assertThat(c.get("hex").intValue()).isEqualTo(31);
        assertThat(c.get("big").intValue()).isEqualTo(1000);
        assertThat(c.get("half").doubleValue()).isEqualTo(0.5);
        assertThat(c.get("on").isBoolean()).isTrue();
        assertThat(c.get("quoted").isTextual()).isTrue();
        assertThat(c.get("clock").asText()).isEqualTo("1:20");
        assertThat(c.get("nothing").isNull()).isTrue();
        assertThat(c.get("day").asText()).isEqualTo("2024-01-02");
    }

    @Test
    void invalidUtf8IsAnErrorDocument() {
        List<ManifestDocument> docs = ManifestSet.parse("k8s/bin.yaml", new byte[] { 'a', ':', ' ', (byte) 0xC3, (byte) 0x28 });
        assertThat(docs.get(0).error()).contains("UTF-8");
    }

    @Test
    void selectsFoldersFilesAndGlobs() {
        assertThat(ManifestSet.selectedBy("k8s/app.yaml", List.of("k8s/"))).isTrue();
        assertThat(ManifestSet.selectedBy("src/app.yaml", List.of("k8s/"))).isFalse();
        assertThat(ManifestSet.selectedBy("service.yaml", List.of("service.yaml"))).isTrue();
        assertThat(ManifestSet.selectedBy("deploy/prod/a.yml", List.of("deploy/**/*.yml"))).isTrue();
    }
}
