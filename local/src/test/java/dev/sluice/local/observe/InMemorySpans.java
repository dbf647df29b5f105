package dev.sluice.local.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * Spans kept in memory for the tests: Quarkus hands every SpanExporter bean the finished spans once the SDK is enabled
 * (only RunTraceTest's profile enables it; elsewhere tracing records nothing).
 */
@ApplicationScoped
public class InMemorySpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
