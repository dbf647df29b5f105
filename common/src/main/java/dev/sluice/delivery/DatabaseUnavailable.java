package dev.sluice.delivery;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.hibernate.exception.JDBCConnectionException;

import dev.sluice.events.EventCodec;

/**
 * Recognises "the database cannot be reached right now" in a failure and answers it as 503 with
 * {@code Retry-After}: a broker retries a 503 later, so nothing accepted is lost while PostgreSQL is down,
 * where a 500 would read as a bug in the function.
 */
public final class DatabaseUnavailable {
    /** Seconds a client should wait before trying again: about how long a restart of PostgreSQL takes. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseUnavailable() {
    }

    /** Whether the failure, or anything it was caused by or suppressed, says the database cannot be reached. */
    public static boolean isCause(Throwable failure) {
        return find(failure) != null;
    }

    /** The 503 answer: a JSON body naming the problem and a {@code Retry-After} header. */
    public static Response response(Throwable failure) {
        Throwable cause = find(failure);
        String detail = EventCodec.rootMessage(cause == null ? failure : cause);
        return Response.fromResponse(ErrorBody.response(503, "the database is unavailable: " + detail,
                Map.of("retryAfterSeconds", RETRY_AFTER_SECONDS)))
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)).build();
    }

    private static Throwable find(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return find(failure, seen);
    }

    private static Throwable find(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return null;
        }
        if (isUnavailable(t)) {
            return t;
        }
        // a failed commit carries the JDBC failure as a suppressed exception, not always as the cause
        for (Throwable s : t.getSuppressed()) {
            Throwable found = find(s, seen);
            if (found != null) {
                return found;
            }
        }
        if (t instanceof SQLException sql && sql.getNextException() != null) {
            Throwable found = find(sql.getNextException(), seen);
            if (found != null) {
                return found;
            }
        }
        return find(t.getCause(), seen);
    }

    private static boolean isUnavailable(Throwable t) {
        if (t instanceof JDBCConnectionException || t instanceof ConnectException) {
            return true;
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            // 08: connection exception; 57P01-57P03: the server is shutting down, crashed, or is starting up again
            if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"))) {
                return true;
            }
            // Agroal's own failures carry no SQLState: no connection could be had from the pool in time
            String message = sql.getMessage() == null ? "" : sql.getMessage().toLowerCase(Locale.ROOT);
            return state == null && (message.contains("acquisition timeout") || message.contains("exception while creating new connection"));
        }
        return false;
    }
}
