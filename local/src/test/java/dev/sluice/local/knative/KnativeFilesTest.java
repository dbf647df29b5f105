package dev.sluice.local.knative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.cloudevents.core.builder.CloudEventBuilder;
import dev.sluice.events.EventTypes;
import dev.sluice.local.Fixtures;

/** The real knative/ files, read the way the local broker reads them, and the routing they define. */
class KnativeFilesTest {
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<KnativeFiles.KnativeObject> objects = KnativeFiles.readFolder(Fixtures.knativeFolder());
    private final BrokerTopology topology = BrokerTopology.of(objects, "sluice", TIMEOUT);

    @Test
    void everyObjectOfEveryFileHasApiVersionKindAndADns1123Name() {
        assertThat(objects.stream().map(KnativeFiles.KnativeObject::file).collect(Collectors.toSet()))
                .contains("namespace.yaml", "broker.yaml", "triggers.yaml", "services.yaml", "ping.yaml",
                        "sources.yaml", "rbac.yaml", "policies.yaml");
        for (KnativeFiles.KnativeObject o : objects) {
            assertThat(o.content().path("apiVersion").asText()).as(o.file() + " apiVersion").isNotBlank();
            assertThat(o.kind()).as(o.file() + " kind").isNotBlank();
            assertThat(o.name()).as(o.file() + " " + o.kind() + " name").matches(DNS_1123).hasSizeLessThanOrEqualTo(63);
        }
    }

    @Test
    void theBrokersDeliverySpecIsFiveExponentialRetriesFromHalfASecondThenRoutesDeadLetterEndpoint() {
        DeliverySpec d = topology.delivery();
        assertThat(d.retry()).isEqualTo(5);
        assertThat(d.backoffPolicy()).isEqualTo(DeliverySpec.BackoffPolicy.EXPONENTIAL);
        assertThat(d.backoffDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.deadLetterSink().target("sluice", "test")).isEqualTo("/dead-letter");
    }

    @Test
    void inTheBrokerOnlyModeEveryFunctionSubscriberAndTheDeadLetterSinkAreTheFunctionsOwnUrls() {
        Map<String, String> urls = Map.of("route", "http://127.0.0.1:18081", "analyze", "http://127.0.0.1:18082/",
                "validate", "http://127.0.0.1:18083", "deploy", "http://127.0.0.1:18084");
        BrokerTopology apart = BrokerTopology.of(objects, "sluice", TIMEOUT, urls);
        Map<String, String> typeToTarget = new HashMap<>();
        for (Trigger t : apart.triggers()) {
            typeToTarget.put(t.filter().get("type"), apart.route(t).target());
            // route's dead-letter endpoint is a uri relative to Service sluice-route: on route's own URL
            assertThat(apart.route(t).deadLetterTarget()).as(t.name()).isEqualTo("http://127.0.0.1:18081/dead-letter");
        }
        assertThat(typeToTarget).containsEntry(EventTypes.PUSH, "http://127.0.0.1:18081/")
                .containsEntry(EventTypes.ANALYSIS_REQUESTED, "http://127.0.0.1:18082/")
                .containsEntry(EventTypes.VALIDATION_REQUESTED, "http://127.0.0.1:18083/")
                .containsEntry(EventTypes.DEPLOYMENT_CHECK, "http://127.0.0.1:18084/");
        // a function the map does not name stays on this process
        BrokerTopology partly = BrokerTopology.of(objects, "sluice", TIMEOUT, Map.of("analyze", "http://127.0.0.1:18082"));
        assertThat(partly.routes(CloudEventBuilder.v1().withId("1").withSource(java.net.URI.create("/x"))
                .withType(EventTypes.PUSH).build())).singleElement().satisfies(r -> assertThat(r.target()).isEqualTo("/fn/route"));
    }

    @Test
    void everyTriggerIsReadAndItsSubscriberResolvesToTheFunctionOnThisProcess() {
        Map<String, String> typeToTarget = new HashMap<>();
        for (Trigger t : topology.triggers()) {
            assertThat(t.filter()).as(t.name()).containsKey("type");
            assertThat(typeToTarget.put(t.filter().get("type"), topology.route(t).target())).as("one function per type: " + t.name())
                    .isNull();
        }
        assertThat(topology.triggers()).hasSize(25);
        Set<String> toRoute = Set.of(EventTypes.GITHUB_PUSH, EventTypes.GITLAB_PUSH, EventTypes.GITLAB_TAG_PUSH, EventTypes.PUSH,
                EventTypes.ANALYSIS_COMPLETED, EventTypes.VALIDATION_COMPLETED, EventTypes.DEPLOYMENT_PROGRESSED,
                EventTypes.DEPLOYMENT_COMPLETED, EventTypes.STEP_FAILED, EventTypes.RUN_APPROVE, EventTypes.RUN_REJECT,
                EventTypes.RUN_CANCEL, EventTypes.RUN_RETRY, EventTypes.TICK, "dev.knative.sources.ping",
                EventTypes.TESTS_PROGRESSED, EventTypes.TESTS_COMPLETED);
        for (String type : toRoute) {
            assertThat(typeToTarget).as(type).containsEntry(type, "/fn/route");
        }
        assertThat(typeToTarget).containsEntry(EventTypes.ANALYSIS_REQUESTED, "/fn/analyze")
                .containsEntry(EventTypes.VALIDATION_REQUESTED, "/fn/validate")
                .containsEntry(EventTypes.TESTS_REQUESTED, "/fn/validate")
                .containsEntry(EventTypes.TESTS_CHECK, "/fn/validate")
                .containsEntry(EventTypes.DEPLOYMENT_REQUESTED, "/fn/deploy")
                .containsEntry(EventTypes.DEPLOYMENT_CHECK, "/fn/deploy")
                .containsEntry(EventTypes.DRIFT_CHECK, "/fn/deploy")
                .containsEntry(EventTypes.ENVIRONMENT_ROLLBACK, "/fn/deploy");
        for (Trigger t : topology.triggers()) {
            assertThat(topology.route(t).deadLetterTarget()).as(t.name()).isEqualTo("/dead-letter");
        }
    }

    @Test
    void anEventGoesToExactlyTheTriggersOfItsTypeAndThePingTriggerOnlyTakesOurPingSource() {
        var push = CloudEventBuilder.v1().withId("1").withSource(java.net.URI.create("/x")).withType(EventTypes.PUSH).build();
        assertThat(topology.routes(push)).extracting(r -> r.trigger().name()).containsExactly("route-push");

        var ping = CloudEventBuilder.v1().withId("2").withType("dev.knative.sources.ping")
                .withSource(java.net.URI.create("/apis/v1/namespaces/sluice/pingsources/sluice-tick")).build();
        assertThat(topology.routes(ping)).extracting(r -> r.trigger().name()).containsExactly("route-ping");
        var otherPing = CloudEventBuilder.v1(ping).withSource(java.net.URI.create("/apis/v1/namespaces/sluice/pingsources/other")).build();
        assertThat(topology.routes(otherPing)).isEmpty();
    }

    @Test
    void thePackedCopyInTheJarHoldsTheSameObjectsAsTheFolder() {
        List<KnativeFiles.KnativeObject> packed = KnativeFiles.readPacked();
        assertThat(packed).extracting(o -> o.file() + "/" + o.kind() + "/" + o.name())
                .containsExactlyElementsOf(objects.stream().map(o -> o.file() + "/" + o.kind() + "/" + o.name()).toList());
        assertThat(packed).extracting(KnativeFiles.KnativeObject::content)
                .containsExactlyElementsOf(objects.stream().map(KnativeFiles.KnativeObject::content).toList());
    }

    @Test
    void aBrokenYamlFileIsRefusedNamingTheFileAndLine() {
        byte[] yaml = "kind: Trigger\nmetadata:\n  name: x\nspec: [unclosed\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> KnativeFiles.parse("bad.yaml", yaml)).hasMessageStartingWith("bad.yaml: line ");
    }

    @Test
    void aSubscriberTheLocalBrokerCannotAddressFailsTheTopologyNamingTheTrigger() {
        byte[] yaml = """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: sluice}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: to-somewhere}
                spec:
                  broker: sluice
                  subscriber:
                    ref: {apiVersion: v1, kind: Service, name: event-display}
                """.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BrokerTopology.of(KnativeFiles.parse("t.yaml", yaml), "sluice", TIMEOUT))
                .hasMessageContaining("to-somewhere").hasMessageContaining("event-display");
    }

    @Test
    void aTriggerWithoutFilterTakesEveryEventAndAPlainUriIsUsedAsIs() {
        byte[] yaml = """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: sluice}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: everything}
                spec:
                  broker: sluice
                  subscriber: {uri: "http://127.0.0.1:9999/sink"}
                """.getBytes(StandardCharsets.UTF_8);
        BrokerTopology t = BrokerTopology.of(KnativeFiles.parse("t.yaml", yaml), "sluice", TIMEOUT);
        var any = CloudEventBuilder.v1().withId("1").withSource(java.net.URI.create("/x")).withType("any.type").build();
        assertThat(t.routes(any)).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo("http://127.0.0.1:9999/sink");
            assertThat(r.delivery().retry()).isZero();
            assertThat(r.deadLetterTarget()).isNull();
        });
    }
}
