package dev.sluice.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.cloudevents.CloudEvent;
import dev.sluice.Fixtures;

class EventCodecTest {

    /** Every event of the CloudEvents conformance suite, as (attributes, data). */
    static Stream<JsonNode> conformanceEvents() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (String f : List.of("cloudevents/conformance/v1.0/v1_minimum.yaml", "cloudevents/conformance/v0.3/v03_minimum.yaml")) {
            try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(Fixtures.path(f).toFile())) {
                it.forEachRemaining(events::add);
            }
        }
        return events.stream();
    }

    @ParameterizedTest
    @MethodSource("conformanceEvents")
    void conformanceEventsReadTheSameInBinaryAndStructuredMode(JsonNode spec) {
        JsonNode attrs = spec.path("ContextAttributes");
        String data = spec.path("Data").asText();
        Map<String, String> headers = new LinkedHashMap<>();
        attrs.fields().forEachRemaining(e -> {
            if (e.getKey().equals("datacontenttype")) {
                headers.put("Content-Type", e.getValue().asText());
            } else {
                headers.put("ce-" + e.getKey(), e.getValue().asText());
            }
        });
        CloudEvent binary = EventCodec.read(headers, data.getBytes(StandardCharsets.UTF_8));
        assertThat(binary.getId()).isEqualTo(attrs.path("id").asText());
        assertThat(binary.getType()).isEqualTo(attrs.path("type").asText());
        assertThat(new String(binary.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo(data);

        EventCodec.HttpMessage structured = EventCodec.write(binary, true);
        CloudEvent back = EventCodec.read(structured.headers(), structured.body());
        assertThat(back.getId()).isEqualTo(binary.getId());
        assertThat(back.getSource()).isEqualTo(binary.getSource());
        assertThat(back.getSpecVersion()).isEqualTo(binary.getSpecVersion());
    }

    static Stream<Path> sdkEvents() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.path("cloudevents/sdk-java-json"))) {
            return files.sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sdkEvents")
    void sdkFixturesAreReadAndTheFailOnesRefusedWithAReason(Path file) throws IOException {
        byte[] body = Files.readAllBytes(file);
        Map<String, String> headers = Map.of("Content-Type", "application/cloudevents+json");
        String name = file.getFileName().toString();
        // CloudEvents 1.0: attribute names are lower-case letters and digits only, so an upper-case or
        // underscored extension name is as invalid as the fail_* events.
        boolean mustFail = name.startsWith("fail_") || name.contains("invalid") || name.contains("upper_case");
        if (mustFail) {
            assertThatThrownBy(() -> EventCodec.read(headers, body)).isInstanceOf(BadEventException.class)
                    .hasMessageContaining("not a valid CloudEvent");
        } else {
            assertThat(EventCodec.read(headers, body).getId()).isNotBlank();
        }
    }

    @Test
    void aRequestWithoutCloudEventHeadersOrContentTypeIsNotACloudEvent() {
        assertThatThrownBy(() -> EventCodec.read(Map.of("Content-Type", "application/json"), "{}".getBytes()))
                .isInstanceOf(BadEventException.class).hasMessageContaining("not a CloudEvent");
        assertThatThrownBy(() -> EventCodec.read(Map.of("ce-id", "1", "ce-type", "t"), "{}".getBytes()))
                .hasMessageContaining("ce-specversion");
        assertThatThrownBy(() -> EventCodec.read(Map.of("ce-specversion", "1.0", "ce-id", "", "ce-type", "t", "ce-source", "/s"), "{}".getBytes()))
                .isInstanceOf(BadEventException.class);
    }

    @Test
    void attributesLongerThanTheInboxHoldsAreRefusedNamingTheAttribute() {
        Map<String, String> ok = Map.of("ce-specversion", "1.0", "ce-id", "i".repeat(500), "ce-type", "t".repeat(255),
                "ce-source", "/" + "s".repeat(1999), "Content-Type", "application/json");
        assertThat(EventCodec.read(ok, "{}".getBytes()).getId()).hasSize(500);
        for (String[] tooLong : new String[][] { { "ce-id", "i".repeat(501), "'id' is 501" }, { "ce-type", "t".repeat(256), "'type' is 256" },
                { "ce-source", "/" + "s".repeat(2000), "'source' is 2001" }, { "ce-subject", "x".repeat(501), "'subject' is 501" } }) {
            Map<String, String> headers = new java.util.HashMap<>(ok);
            headers.put(tooLong[0], tooLong[1]);
            assertThatThrownBy(() -> EventCodec.read(headers, "{}".getBytes())).isInstanceOf(BadEventException.class)
                    .hasMessageContaining(tooLong[2]);
        }
    }

    @Test
    void dataDeclaredJsonThatDoesNotParseIsRefusedAtTheDoor() {
        Map<String, String> binary = Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-type", EventTypes.PUSH,
                "ce-source", "/s", "Content-Type", "application/json");
        // a shell substitution that printed two lines into a JSON string: a raw newline inside the string
        byte[] broken = "{\"before\": \"HEAD~1\n0000\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EventCodec.read(binary, broken)).isInstanceOf(BadEventException.class)
                .hasMessageContaining("declared application/json is not valid JSON");
        assertThatThrownBy(() -> EventCodec.read(binary, "{\"a\": 1} trailing".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class);
        Map<String, String> noType = new LinkedHashMap<>(binary);
        noType.remove("Content-Type");
        assertThatThrownBy(() -> EventCodec.read(noType, "not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("without a content type");
        // what is accepted is written and read back whole, as the local broker stores it
        CloudEvent ok = EventCodec.read(binary, "{\"before\": \"a\\nb\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(EventCodec.fromStructured(EventCodec.toStructuredString(ok)).getData().toBytes()).isNotEmpty();
        Map<String, String> text = new LinkedHashMap<>(binary);
        text.put("Content-Type", "text/plain");
        CloudEvent plain = EventCodec.read(text, "not json\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(EventCodec.fromStructured(EventCodec.toStructuredString(plain)).getData().toBytes(),
                StandardCharsets.UTF_8)).isEqualTo("not json\n");
    }

    @Test
    void payloadsRoundTripAndABadFieldIsNamed() {
        UUID run = UUID.randomUUID();
        CloudEvent e = EventCodec.event(EventTypes.STEP_FAILED, "analyze", run, new Payloads.StepFailed(run, 2, "analysis", "boom", true));
        assertThat(e.getSource().toString()).isEqualTo("/sluice/analyze");
        assertThat(e.getSubject()).isEqualTo(run.toString());
        EventCodec.HttpMessage msg = EventCodec.write(e, false);
        Payloads.StepFailed back = EventCodec.data(EventCodec.read(msg.headers(), msg.body()), Payloads.StepFailed.class);
        assertThat(back.attempt()).isEqualTo(2);
        assertThat(back.retryable()).isTrue();

        CloudEvent bad = EventCodec.event("1", EventTypes.STEP_FAILED, "/t", null, Map.of("runId", UUID.randomUUID().toString(), "attempt", "two"));
        assertThatThrownBy(() -> EventCodec.data(bad, Payloads.StepFailed.class)).isInstanceOf(BadEventException.class)
                .hasMessageContaining("field 'attempt'");
    }
    private static Map<String, String> binaryHeaders(String subject, String extension) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", "e-1");
        h.put("ce-type", "dev.sluice.push");
        h.put("ce-source", "/test");
        h.put("Content-Type", "application/json");
        if (subject != null) {
            h.put("ce-subject", subject);
        }
        if (extension != null) {
            h.put("ce-origin", extension);
        }
        return h;
    }

    @Test
    void aNulInAnAttributeOrExtensionIsBadInputNamingIt() {
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders("run\u0000x", null), "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("'subject'").hasMessageContaining("NUL")
                .extracting(e -> ((BadEventException) e).field()).isEqualTo("CloudEvent attribute 'subject'");
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders(null, "a\u0000"), "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("extension 'origin'");
        String structured = "{\"specversion\":\"1.0\",\"id\":\"a\\u0000b\",\"type\":\"t\",\"source\":\"/s\",\"data\":{}}";
        assertThatThrownBy(() -> EventCodec.read(Map.of("Content-Type", EventCodec.STRUCTURED_JSON), structured.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("'id'");
    }

    @Test
    void aNulOrAnUnpairedSurrogateInTheDataIsBadInputNamingTheField() {
        String nul = "{\"repository\":{\"url\":\"https://x\\u0000\"},\"commits\":[{\"id\":\"a\"}]}";
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders(null, null), nul.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("data.repository.url").hasMessageContaining("NUL");
        String surrogate = "{\"commits\":[{\"message\":\"x\\ud800y\"}]}";
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders(null, null), surrogate.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("data.commits[0].message").hasMessageContaining("surrogate");
        String key = "{\"a\\u0000\":1}";
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders(null, null), key.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadEventException.class).hasMessageContaining("field name in data");
        byte[] invalidUtf8 = { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
        assertThatThrownBy(() -> EventCodec.read(binaryHeaders(null, null), invalidUtf8)).isInstanceOf(BadEventException.class);
    }

    @Test
    void aNulInDataOfAJsonContentTypeTheFormatDoesNotCallJsonIsStillBadInput() {
        // found by local's FuzzTest (seed 6454335979720): application/vnd.api+json passed read and reached a column
        Map<String, String> h = binaryHeaders(null, null);
        h.put("Content-Type", "application/vnd.api+json");
        var event = EventCodec.read(h, "{\"repository\":{\"name\":\"a\\u0000b\"}}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> EventCodec.dataTree(event)).isInstanceOf(BadEventException.class)
                .hasMessageContaining("data.repository.name").hasMessageContaining("NUL");
    }

    @Test
    void storableTextAcceptsPairedSurrogatesAndControlCharactersOtherThanNul() {
        assertThat(StorableText.problem("emoji \uD83D\uDE00, tab\t, bell\u0007, \u00e9")).isNull();
        assertThat(StorableText.problem("\uDE00")).contains("U+DE00");
        assertThat(StorableText.problem("x\uD83D")).contains("U+D83D");
    }
}
