package dev.sluice.deploy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Knative Service in a release: the revision the release runs ({@code revision}, named per release when its
 * template changed) and the revision that served before ({@code previous}, null for a new Service). A canary
 * steps traffic from previous to revision; a rollback sends it all back to previous.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceRevision(String namespace, String service, String revision, String previous) {

    /** The release made a new revision and there is an older one to share traffic with. */
    @JsonIgnore
    public boolean canaried() {
        return previous != null && !previous.equals(revision);
    }

    /** The release made a new revision (for a new Service or a changed template). */
    @JsonIgnore
    public boolean isNew() {
        return !revision.equals(previous);
    }
}
