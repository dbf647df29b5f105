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
}
