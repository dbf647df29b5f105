package dev.sluice.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keeps Secret values out of the ledger and the reports: each value of a Secret's {@code data} and
 * {@code stringData} is stored as its SHA-256 digest, which still shows a changed value in the plan.
 */
final class SecretValues {
    private SecretValues() {
    }

    /** The object itself when it is no Secret, else a copy whose values are digests. */
    static RenderedObject digested(RenderedObject object) {
        if (!"".equals(object.group()) || !"Secret".equals(object.kind())) {
            return object;
        }
        ObjectNode copy = object.object().deepCopy();
        for (String field : new String[] { "data", "stringData" }) {
            JsonNode values = copy.get(field);
            if (values instanceof ObjectNode map) {
                List<String> keys = new ArrayList<>();
                map.fieldNames().forEachRemaining(keys::add);
                for (String key : keys) {
                    map.put(key, "sha256:" + sha256(map.get(key).asText()));
                }
            }
        }
        return new RenderedObject(object.apiVersion(), object.kind(), object.namespace(), object.name(), object.file(),
                object.line(), copy);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
