package dev.sluice.analyze;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.sluice.events.EventCodec;
import dev.sluice.analyze.secrets.SecretFingerprint;

/**
 * A cached {@link Measurement} of (repository, before, after), at the measuring rules' version (table
 * {@code analysis_cache}, migration V10). {@code before} is stored as "" when no base was given. An entry whose
 * fingerprints were made with another fingerprint key than the installation's is measured again.
 */
@Entity
@Table(name = "analysis_cache")
public class AnalysisCacheEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "repository_url", nullable = false)
    public String repositoryUrl;
    @Column(name = "before_sha", nullable = false)
    public String beforeSha;
    @Column(name = "after_sha", nullable = false)
    public String afterSha;
    public int version;
    @Column(columnDefinition = "text", nullable = false)
    public String measurement;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    static Optional<Measurement> find(String url, String before, String after) {
        AnalysisCacheEntry e = AnalysisCacheEntry.<AnalysisCacheEntry>find(
                "repositoryUrl = ?1 and beforeSha = ?2 and afterSha = ?3 and version = ?4",
                url, before == null ? "" : before, after, Measurement.VERSION).firstResult();
        if (e == null) {
            return Optional.empty();
        }
        try {
            Measurement m = EventCodec.json().readValue(e.measurement, Measurement.class);
            if (SecretFingerprint.keyId().equals(m.fingerprintKey())) {
                return Optional.of(m);
            }
        } catch (JsonProcessingException ex) {
            // An entry this version cannot read is measured again (and replaced).
        }
        // Unreadable, or its fingerprints (and the allowances that matched them) were made with another key.
        e.delete();
        AnalysisCacheEntry.flush();
        return Optional.empty();
    }

    static void store(String url, String before, String after, Measurement m) {
        AnalysisCacheEntry e = new AnalysisCacheEntry();
        e.repositoryUrl = url;
        e.beforeSha = before == null ? "" : before;
        e.afterSha = after;
        e.version = Measurement.VERSION;
        try {
            e.measurement = EventCodec.json().writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("measurement does not serialise", ex);
        }
        e.createdAt = Instant.now();
        e.persist();
    }
}
