package dev.sluice.delivery;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.narayana.jta.QuarkusTransactionException;
import dev.sluice.events.EventCodec;

/**
 * What a REST endpoint (runs, environments, webhooks, dead-letter, the local broker's listing) answers when its
 * database work fails: 503 + {@code Retry-After} while the database cannot be reached, else a 500 with a JSON body.
 */
public class DatabaseFailureMapper {
    private static final Logger LOG = Logger.getLogger(DatabaseFailureMapper.class);

    @ServerExceptionMapper({ PersistenceException.class, SQLException.class, QuarkusTransactionException.class })
    public Response map(Exception failure) {
        if (DatabaseUnavailable.isCause(failure)) {
            LOG.warnf("database unavailable: %s", EventCodec.rootMessage(failure));
            return DatabaseUnavailable.response(failure);
        }
        LOG.error("request failed", failure);
        return ErrorBody.response(500, "internal error: " + EventCodec.rootMessage(failure));
    }
}
