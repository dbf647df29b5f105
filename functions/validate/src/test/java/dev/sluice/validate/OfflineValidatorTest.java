package dev.sluice.validate;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.testing.PostgresTestResource;
import dev.sluice.validate.rules.DryRunRule;
import dev.sluice.validate.rules.ManifestRule;

/** The hand-built rule list of the agreement test and the benchmark is the one the function runs. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class OfflineValidatorTest {
    @Inject
    ManifestValidator validator;

    @Test
    void theOfflineRulesAreEveryRuleBeanButTheDryRun() {
        assertThat(validator.catalogue().keySet()).containsAll(OfflineValidator.rules().stream().map(ManifestRule::id).toList())
                .contains(DryRunRule.ID);
        assertThat(OfflineValidator.create().catalogue().keySet()).containsExactlyInAnyOrderElementsOf(
                validator.catalogue().keySet().stream().filter(id -> !id.equals(DryRunRule.ID)).toList());
        // without a configured cluster the dry-run does not run
        assertThat(validator.ruleIds()).doesNotContain(DryRunRule.ID).hasSize(OfflineValidator.rules().size());
    }
}
