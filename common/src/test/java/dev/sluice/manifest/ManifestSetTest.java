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
        assertThat(docs.get(1).line()).isGreaterThanOrEqualTo(7);
        assertThat(docs.get(1).error()).startsWith("does not parse");
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
        List<ManifestDocument> docs = ManifestSet.parse("k8s/bomb.yaml", y.toString().getBytes(StandardCharsets.UTF_8));
        // Either refused, or read without expanding the aliases (9^10 strings would not fit in memory).
        assertThat(docs).hasSize(1);
        ManifestDocument d = docs.get(0);
        assertThat(d.parsed() ? d.content().toString().length() : 0).isLessThan(100_000);
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
