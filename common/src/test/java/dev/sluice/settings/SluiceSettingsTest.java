package dev.sluice.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SluiceSettingsTest {
    @Test
    void aRepositoryWithoutTheFileDeploysMainToProductionByDefault() {
        SluiceSettings s = SluiceSettings.defaults();
        assertThat(s.resolve("refs/heads/main").environment()).isEqualTo("production");
        assertThat(s.resolve("refs/heads/main").canary().steps()).containsExactly(10, 25, 50, 75, 100);
        assertThat(s.resolve("refs/heads/feature").environment()).isNull();
        assertThat(s.manifests()).isEqualTo(SluiceSettings.DEFAULT_MANIFESTS);
        assertThat(s.risk().approveBelow()).isEqualTo(40);
    }

    @Test
    void branchAndTagPatternsPickTheEnvironment() {
        SluiceSettings s = SluiceSettings.parse("""
                environments:
                  - {name: staging, branch: "release/*", namespace: st, strategy: direct}
                  - {name: production, tag: "v*", namespace: prod, approval: manual}
                manifests: [deploy/]
                """);
        assertThat(s.resolve("refs/heads/release/1.2").environment()).isEqualTo("staging");
        assertThat(s.resolve("refs/heads/release/1.2/x").environment()).isNull();
        assertThat(s.resolve("refs/tags/v1.0.0").environment()).isEqualTo("production");
        assertThat(s.resolve("refs/tags/v1.0.0").approval()).isEqualTo("manual");
        assertThat(s.resolve("refs/heads/main").environment()).isNull();
        assertThat(s.manifests()).isEqualTo(List.of("deploy/"));
    }

    @Test
    void aFileThatDoesNotParseNamesItsLine() {
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - name: a\n    branch: [main\n"))
                .isInstanceOf(SettingsException.class).hasMessageContaining(".sluice.yaml does not parse at line");
    }

    @Test
    void aTabNamesTheLineOfTheTabNotWhereTheContextBegan() {
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - name: a\n    branch: main\n\tnamespace: x\n"))
                .hasMessageStartingWith(".sluice.yaml does not parse at line 4");
    }

    @Test
    void anUnknownKeyOrValueIsRefusedNotIgnored() {
        assertThatThrownBy(() -> SluiceSettings.parse("enviroments: []\n")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("enviroments");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a, branch: main, strategy: yolo}\n"))
                .hasMessageContaining("strategy 'yolo'");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a}\n")).hasMessageContaining("exactly one of branch or tag");
        assertThatThrownBy(() -> SluiceSettings.parse("risk: {approveBelow: 80, rejectAbove: 20}\n")).hasMessageContaining("approveBelow");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a, branch: main, canary: {steps: [0, 200]}}\n"))
                .hasMessageContaining("canary step");
    }

    @Test
    void allowEntriesNeedAReasonAndRuleSeveritiesAreChecked() {
        SluiceSettings s = SluiceSettings.parse("""
                analysis:
                  allow:
                    - {rule: secret, path: "test/**", reason: "test keys"}
                validation:
                  failOnWarnings: true
                  rules: {image-tag: {severity: error}, resources: {severity: "off"}}
                environments:
                  - {name: p, branch: main, prune: true, canary: {probe: {path: /healthz, maxLatency: 300ms}, maxRestarts: 1}}
                """);
        assertThat(s.analysis().allow()).hasSize(1);
        assertThat(s.validation().failOnWarnings()).isTrue();
        assertThat(s.validation().rules().get("resources").severity()).isEqualTo("off");
        assertThat(s.environments().get(0).prune()).isTrue();
        assertThat(s.environments().get(0).canary().probe().path()).isEqualTo("/healthz");
        assertThat(SluiceSettings.defaults().environments().get(0).prune()).isFalse();
        assertThatThrownBy(() -> SluiceSettings.parse("analysis: {allow: [{rule: secret}]}\n")).hasMessageContaining("needs a reason");
        assertThatThrownBy(() -> SluiceSettings.parse("validation: {rules: {x: {severity: loud}}}\n")).hasMessageContaining("severity 'loud'");
    }

    @Test
    void canaryAnalysisAndSelfHealAreReadAndCheckedWithTheirLine() {
        SluiceSettings s = SluiceSettings.parse("""
                environments:
                  - name: p
                    branch: main
                    selfHeal: true
                    canary:
                      analysis:
                        interval: 30s
                        failureLimit: 3
                        metrics:
                          - {name: errors, query: 'sum(rate(x{revision_name="{{revision}}"}[{{interval}}]))', max: 1, noData: pass}
                """);
        var analysis = s.environments().get(0).canary().analysis();
        assertThat(analysis.failureLimit()).isEqualTo(3);
        assertThat(analysis.metrics().get(0).max()).isEqualTo(1.0);
        assertThat(analysis.metrics().get(0).noData()).isEqualTo("pass");
        assertThat(s.environments().get(0).selfHeal()).isTrue();
        assertThat(SluiceSettings.defaults().environments().get(0).selfHeal()).isFalse();
        assertThat(SluiceSettings.defaults().environments().get(0).canary().analysis()).isNull();
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - name: a\n    branch: main\n    canary:\n      analysis: {treshold: 2}\n"))
                .hasMessageContaining("line 5").hasMessageContaining("treshold");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a, branch: main, canary: {analysis: {metrics: [{name: m, query: up}]}}}\n"))
                .hasMessageContaining("metric m needs a threshold");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a, branch: main, canary: {analysis: {metrics: [{name: m, query: up, min: 1, noData: maybe}]}}}\n"))
                .hasMessageContaining("noData 'maybe'");
        assertThatThrownBy(() -> SluiceSettings.parse("environments:\n  - {name: a, branch: main, canary: {analysis: {failureLimit: 0}}}\n"))
                .hasMessageContaining("failureLimit must be at least 1");
    }

    @Test
    void testsAreOffWithoutTheKeyAndFilledWithDefaultsWithIt() {
        assertThat(SluiceSettings.defaults().tests()).isNull();
        assertThat(SluiceSettings.defaults().resolve("refs/heads/main").tests()).isNull();
        SluiceSettings s = SluiceSettings.parse("tests: {image: python:3, command: python3 -m pytest}\n");
        SluiceSettings.Tests t = s.resolve("refs/heads/main").tests();
        assertThat(t.command()).containsExactly("python3 -m pytest"); // one string: run with sh -c
        assertThat(t.timeout()).isEqualTo("15m");
        assertThat(t.cpu()).isEqualTo("2");
        assertThat(t.memory()).isEqualTo("2Gi");
        assertThat(t.network()).isFalse();
        assertThat(t.reports()).isEqualTo(SluiceSettings.DEFAULT_TEST_REPORTS);
        SluiceSettings list = SluiceSettings.parse("""
                tests:
                  image: maven:3
                  command: [mvn, -B, test]
                  timeout: 90s
                  cpu: 500m
                  memory: 512Mi
                  reports: ["target/surefire-reports/*.xml"]
                  network: true
                """);
        assertThat(list.tests()).isEqualTo(new SluiceSettings.Tests("maven:3", List.of("mvn", "-B", "test"), "90s", "500m", "512Mi",
                List.of("target/surefire-reports/*.xml"), true));
    }

    @Test
    void aTestsBlockThatCannotRunIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {command: make test}\n")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("tests needs an image");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x}\n")).hasMessageContaining("tests needs a command");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: [\"\"]}\n")).hasMessageContaining("tests needs a command");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, timeout: soon}\n"))
                .hasMessageContaining("tests.timeout 'soon'");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, memory: lots}\n"))
                .hasMessageContaining("tests.memory 'lots'");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, cpu: -1}\n")).hasMessageContaining("tests.cpu '-1'");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, reports: [../../etc/passwd]}\n"))
                .hasMessageContaining("must be a glob inside the checkout");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, reports: [/etc/*.xml]}\n"))
                .hasMessageContaining("must be a glob inside the checkout");
        assertThatThrownBy(() -> SluiceSettings.parse("tests: {image: x, command: t, networks: true}\n"))
                .hasMessageContaining("networks");
    }
}
