package dev.sluice.events;

/** Input that is not a usable event: answered with HTTP 400 and this message, never retried. */
public class BadEventException extends RuntimeException {
    /** The attribute, field or parameter at fault ("subject", "data.repository.url", "query parameter branch"), or null. */
    private final String field;

    public BadEventException(String message) {
        this(message, (String) null);
    }

    public BadEventException(String message, String field) {
        super(message);
        this.field = field;
    }

    public BadEventException(String message, Throwable cause) {
        super(message, cause);
        this.field = null;
    }

    public String field() {
        return field;
    }
}
