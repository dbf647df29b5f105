package dev.sluice.local.knative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.sluice.delivery.EventDispatcher;
import dev.sluice.delivery.EventGate;
import dev.sluice.events.EventTypes;
import dev.sluice.local.Fixtures;
import dev.sluice.testing.Events;
import dev.sluice.testing.PostgresTestResource;

/**
 * The four functions' Funqy mappings in one process agree with the Trigger files: every Trigger's type is mapped to the
 * {@code @Funq} method named as the Trigger, of the function the Trigger subscribes, and no type goes to two functions
 * (Funqy, routing by type in one application, could not serve that).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class FunqyRoutingTest {
    @Inject
    EventDispatcher dispatcher;

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyTriggerIsTheFunqyMappingOfItsTypeToItsSubscriber() {
        BrokerTopology topology = BrokerTopology.of(KnativeFiles.readFolder(Fixtures.knativeFolder()), "sluice", Duration.ofSeconds(30));
        Map<String, String> funqy = EventGate.funqyTriggers();
        Map<String, String> subscriberOfType = new HashMap<>();
        int toFunctions = 0;
        for (Trigger t : topology.triggers()) {
            String target = topology.route(t).target();
            if (!target.startsWith("/fn/")) {
                continue;
            }
            toFunctions++;
            String function = target.substring("/fn/".length());
            String type = t.filter().get("type");
            assertThat(funqy).as("the @Funq method of " + type).containsEntry(type, t.name());
            assertThat(dispatcher.handlerFor(function, type)).as(function + " handles " + type).isNotNull();
            String other = subscriberOfType.put(type, function);
            assertThat(other == null || other.equals(function)).as(type + " goes to " + other + " and " + function).isTrue();
        }
        assertThat(toFunctions).isEqualTo(funqy.size()).isEqualTo(25);
    }

    @Test
    void aPostWithoutABodyToAJaxRsResourceIsAnsweredAtOnce() throws Exception {
        // Funqy has Quarkus read every body first: without a Content-Length the resource once waited a minute for it
        for (String path : List.of("/broker", "/dead-letter", "/fn/route")) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("\"error\"");
            }
        }
    }

    @Test
    void aClientAskingForHttp2GetsItsAnswerNotA500() throws Exception {
        // java.net.http's default (the outbox relay's): an h2c upgrade, which Funqy's body handler broke for Quarkus REST
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        for (String path : List.of("/broker", "/fn/route")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.toURI().resolve(path)).header("Content-Type", "application/json")
                    .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString()).header("ce-type", EventTypes.TICK)
                    .header("ce-source", "/test").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
        }
    }

    @Test
    void theBrokersFunctionPathsReachFunqyAndKeepToTheirFunctionsTypes() {
        // a validation request without its proof, to validate's path: refused there (400 naming the proof), not elsewhere
        Events.postBinary("/fn/validate", EventTypes.VALIDATION_REQUESTED, UUID.randomUUID().toString(), "/sluice/route", null, "{}")
                .then().statusCode(400).body("refused", is("proof"));
        Events.postBinary("/fn/deploy", EventTypes.VALIDATION_REQUESTED, UUID.randomUUID().toString(), "/sluice/route", null, "{}")
                .then().statusCode(400).body("error", containsString("for function deploy"));
    }
}
