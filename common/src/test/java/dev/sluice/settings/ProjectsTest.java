package dev.sluice.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProjectsTest {
    @Test
    void theAddressesOfOneRepositoryNameOneProject() {
        assertThat(Projects.ofRepository("https://github.com/acme/shop.git")).isEqualTo("github.com/acme/shop");
        assertThat(Projects.ofRepository("https://github.com/acme/shop")).isEqualTo("github.com/acme/shop");
        assertThat(Projects.ofRepository("https://github.com/acme/shop/")).isEqualTo("github.com/acme/shop");
        assertThat(Projects.ofRepository("git@github.com:acme/shop.git")).isEqualTo("github.com/acme/shop");
        assertThat(Projects.ofRepository("ssh://git@github.com:22/acme/shop.git")).isEqualTo("github.com/acme/shop");
        // credentials in an address never become part of a stored name
        assertThat(Projects.ofRepository("https://bot:s3cret@gitlab.example.com:8443/acme/shop.git"))
                .isEqualTo("gitlab.example.com/acme/shop");
        assertThat(Projects.ofRepository("file:///srv/git/shop.git")).isEqualTo("/srv/git/shop");
        assertThat(Projects.ofRepository("/tmp/hello")).isEqualTo("/tmp/hello");
    }

    @Test
    void aNamedProjectWinsAndCannotLookLikeARepositorysOwn() {
        assertThat(Projects.of("storefront", "https://github.com/acme/web.git")).isEqualTo("storefront");
        assertThat(Projects.of(null, "https://github.com/acme/web.git")).isEqualTo("github.com/acme/web");
        assertThat(Projects.of(" ", "https://github.com/acme/web.git")).isEqualTo("github.com/acme/web");

        SluiceSettings named = SluiceSettings.parse("project: storefront\nenvironments:\n  - {name: production, branch: main, shared: true}\n");
        assertThat(named.resolve("refs/heads/main").project()).isEqualTo("storefront");
        assertThat(named.resolve("refs/heads/main").shared()).isTrue();
        assertThat(SluiceSettings.defaults().resolve("refs/heads/main").project()).isNull();
        assertThat(SluiceSettings.defaults().resolve("refs/heads/main").shared()).isFalse();
        assertThatThrownBy(() -> SluiceSettings.parse("project: github.com/acme/shop\n")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("project 'github.com/acme/shop' is not a project name");
        assertThatThrownBy(() -> SluiceSettings.parse("project: \"\"\n")).isInstanceOf(SettingsException.class);
    }
}
