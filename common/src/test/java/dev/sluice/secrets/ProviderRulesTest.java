package dev.sluice.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider rule of the table ({@code provider-rules.tsv}): its example (random characters drawn in the documented
 * shape, seeded) is found as that rule, standing alone on a line and assigned to a name when the shape stands alone;
 * its near miss (a wrong prefix, length or alphabet) is not.
 */
class ProviderRulesTest {
    static Stream<SecretKind> rules() {
        return SecretKind.all().stream().filter(k -> k.type != SecretKind.Type.BUILT_IN);
    }

    /** The lines an example of the rule is tried in: alone and assigned for a standalone shape, else the example line. */
    static List<String> lines(SecretKind kind, String example) {
        if (!kind.type.standalone()) {
            return List.of(example);
        }
        String name = kind.id.toUpperCase(Locale.ROOT).replace('-', '_');
        return List.of(example, name + " = \"" + example + "\"", "  \"" + kind.id + "\": \"" + example + "\",");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theExampleIsFoundAsItsRuleAndTheNearMissIsNot(SecretKind kind) {
        Random random = new Random(kind.id.hashCode());
        for (int draw = 0; draw < 5; draw++) {
            String example = kind.example(random);
            for (String line : lines(kind, example)) {
                assertThat(Credentials.inLine(line)).as("%s in: %s", kind.id, line).extracting(Credentials.Match::kind)
                        .contains(kind);
            }
            String nearMiss = kind.nearMiss(random);
            assertThat(Credentials.inLine(nearMiss)).as("%s near miss: %s", kind.id, nearMiss)
                    .extracting(Credentials.Match::kind).doesNotContain(kind);
        }
    }

    @Test
    void theTableCoversTheProvidersAndEveryRuleHasKeywordsAndAnExample() {
        assertThat(rules()).hasSizeGreaterThanOrEqualTo(150);
        assertThat(rules().map(k -> k.label.split(" ")[0]).distinct()).hasSizeGreaterThanOrEqualTo(120);
        rules().forEach(k -> {
            assertThat(k.keywords).as(k.id).isNotEmpty();
            assertThat(k.example).as(k.id).isNotBlank();
            assertThat(k.nearMiss).as(k.id).isNotBlank().isNotEqualTo(k.example);
        });
    }

    @Test
    void theKeywordPrefilterSeesEveryKindsKeywordInAnyCaseAndNothingInPlainCode() {
        for (SecretKind k : SecretKind.all()) {
            for (String w : k.keywords) {
                byte[] line = ("  x = " + w.toUpperCase(Locale.ROOT) + " y").getBytes();
                assertThat(SecretKind.mentionedIn(line, 0, line.length)).as(w).isTrue();
                assertThat(SecretKind.candidates("x " + w + " y").get(SecretKind.all().indexOf(k))).as(w).isTrue();
            }
        }
        byte[] code = "    int total = count + 1;".getBytes();
        assertThat(SecretKind.mentionedIn(code, 0, code.length)).isFalse();
        byte[] utf8 = "    // größe: ümlaut".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(SecretKind.mentionedIn(utf8, 0, utf8.length)).isFalse();
    }
}
