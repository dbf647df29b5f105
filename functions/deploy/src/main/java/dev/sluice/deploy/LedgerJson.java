package dev.sluice.deploy;

import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import dev.sluice.events.EventCodec;

/** The JSON columns of the release ledger, written and read with the shared ObjectMapper. */
final class LedgerJson {
    private LedgerJson() {
    }

    static String write(Object value) {
        try {
            return EventCodec.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : EventCodec.json().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a ledger column does not parse as " + type.getSimpleName(), e);
        }
    }

    static <T> List<T> list(String json, TypeReference<List<T>> type) {
        try {
            return json == null ? List.of() : EventCodec.json().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a ledger column does not parse as a list", e);
        }
    }
}
