package dev.sluice.events;

/** Input that is not a usable event: answered with HTTP 400 and this message, never retried. */
public class BadEventException extends RuntimeException {
    public BadEventException(String message) {
        super(message);
    }

    public BadEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
