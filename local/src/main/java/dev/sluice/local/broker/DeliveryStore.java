package dev.sluice.local.broker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.cloudevents.CloudEvent;
import dev.sluice.events.EventCodec;
import dev.sluice.local.knative.BrokerTopology;
import dev.sluice.local.knative.DeliverySpec;

/**
 * The broker's tables (V90): events and their deliveries. Every method runs in the caller's transaction;
 * times come from the database clock so that leases and due times agree between workers.
 */
@ApplicationScoped
public class DeliveryStore {
    static final int MAX_ERROR = 4000;

    @Inject
    DataSource dataSource;

    /** A delivery a worker has claimed: the event, where it goes, and how its failure is handled. */
    public record Claim(long id, long eventRow, String trigger, String target, int attempts, DeliverySpec spec,
            String deadLetterTarget, Long deadLetterOf, String event, UUID token) {
    }

    /** A row of {@code GET /broker/deliveries}. */
    public record DeliveryView(long id, String eventId, String type, String source, String trigger, String subscriber,
            String state, int attempts, Integer lastStatus, String lastError, Long deadLetterOf, Instant createdAt,
            Instant nextAttemptAt, Instant deliveredAt) {
    }

    public long insertEvent(CloudEvent event) {
        return update("insert into broker_events (ce_id, ce_type, ce_source, event, received_at) values (?, ?, ?, ?, now()) returning id",
                ps -> {
                    ps.setString(1, event.getId());
                    ps.setString(2, event.getType());
                    ps.setString(3, event.getSource().toString());
                    ps.setString(4, EventCodec.toStructuredString(event));
                }, rs -> rs.getLong(1));
    }

    public long insertDelivery(long eventRow, String trigger, String target, DeliverySpec spec, String deadLetterTarget, Long deadLetterOf) {
        return update("""
                insert into broker_deliveries (event_id, trigger_name, subscriber_url, max_retries, backoff_policy,
                    backoff_delay_ms, timeout_ms, dead_letter_url, dead_letter_of, state, attempts, next_attempt_at, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, now(), now()) returning id""", ps -> {
            ps.setLong(1, eventRow);
            ps.setString(2, trigger);
            ps.setString(3, target);
            ps.setInt(4, spec.retry());
            ps.setString(5, spec.backoffPolicy() == null ? null : spec.backoffPolicy().name().toLowerCase());
            ps.setLong(6, spec.backoffDelay().toMillis());
            ps.setLong(7, spec.timeout().toMillis());
            ps.setString(8, deadLetterTarget);
            if (deadLetterOf == null) {
                ps.setNull(9, Types.BIGINT);
            } else {
                ps.setLong(9, deadLetterOf);
            }
        }, rs -> rs.getLong(1));
    }

    public long insertDelivery(long eventRow, BrokerTopology.Route route) {
        return insertDelivery(eventRow, route.trigger().name(), route.target(), route.delivery(), route.deadLetterTarget(), null);
    }

    /**
     * Claims the most overdue pending delivery that nobody holds (no lease, or an expired one), counting
     * the attempt; skip locked lets several workers claim side by side.
     */
    public Optional<Claim> claimNext(Duration lease) {
        UUID token = UUID.randomUUID();
        List<Claim> claims = query("""
                update broker_deliveries d
                   set claimed_until = now() + ? * interval '1 millisecond', claim_token = ?, attempts = d.attempts + 1
                  from broker_events e
                 where e.id = d.event_id
                   and d.id = (select id from broker_deliveries
                                where state = 'pending' and next_attempt_at <= now()
                                  and (claimed_until is null or claimed_until < now())
                                order by next_attempt_at, id
                                limit 1 for update skip locked)
                returning d.id, d.event_id, d.trigger_name, d.subscriber_url, d.attempts, d.max_retries, d.backoff_policy,
                          d.backoff_delay_ms, d.timeout_ms, d.dead_letter_url, d.dead_letter_of, e.event""", ps -> {
            ps.setLong(1, lease.toMillis());
            ps.setObject(2, token);
        }, rs -> {
            String policy = rs.getString(7);
            DeliverySpec spec = new DeliverySpec(rs.getInt(6),
                    policy == null ? null : DeliverySpec.BackoffPolicy.valueOf(policy.toUpperCase()),
                    Duration.ofMillis(rs.getLong(8)), Duration.ofMillis(rs.getLong(9)), null);
            long dlo = rs.getLong(11);
            Long deadLetterOf = rs.wasNull() ? null : dlo;
            return new Claim(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), spec,
                    rs.getString(10), deadLetterOf, rs.getString(12), token);
        });
        return claims.stream().findFirst();
    }

    /** Whether a delivery is due that nobody holds. */
    public boolean anyDue() {
        return !query("""
                select id from broker_deliveries
                 where state = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
                 limit 1""", ps -> {
        }, rs -> rs.getLong(1)).isEmpty();
    }

    /** Locks the claimed row; false when the lease ran out and another worker took the delivery over. */
    public boolean stillClaimed(Claim claim) {
        return !query("select id from broker_deliveries where id = ? and claim_token = ? and state = 'pending' for update", ps -> {
            ps.setLong(1, claim.id());
            ps.setObject(2, claim.token());
        }, rs -> rs.getLong(1)).isEmpty();
    }

    /** Extends the leases of deliveries still in flight. */
    public int renew(Collection<UUID> tokens, Duration lease) {
        if (tokens.isEmpty()) {
            return 0;
        }
        return execute("update broker_deliveries set claimed_until = now() + ? * interval '1 millisecond' where claim_token = any (?) and state = 'pending'",
                (c, ps) -> {
                    ps.setLong(1, lease.toMillis());
                    ps.setArray(2, c.createArrayOf("uuid", tokens.toArray()));
                });
    }

    public void delivered(long id, int status) {
        execute("""
                update broker_deliveries set state = 'delivered', delivered_at = now(), last_status = ?, last_error = null,
                       claimed_until = null, claim_token = null where id = ?""", (c, ps) -> {
            ps.setInt(1, status);
            ps.setLong(2, id);
        });
    }

    public void retryLater(long id, Integer status, String error, Duration delay) {
        execute("""
                update broker_deliveries set next_attempt_at = now() + ? * interval '1 millisecond', last_status = ?, last_error = ?,
                       claimed_until = null, claim_token = null where id = ?""", (c, ps) -> {
            ps.setLong(1, delay.toMillis());
            setStatus(ps, 2, status);
            ps.setString(3, truncate(error));
            ps.setLong(4, id);
        });
    }

    public void dead(long id, Integer status, String error) {
        execute("""
                update broker_deliveries set state = 'dead', last_status = ?, last_error = ?, claimed_until = null, claim_token = null
                 where id = ?""", (c, ps) -> {
            setStatus(ps, 1, status);
            ps.setString(2, truncate(error));
            ps.setLong(3, id);
        });
    }

    /**
     * Gives a claim back at once (the worker is stopping), so the next process need not wait for the lease;
     * the interrupted try does not count against the retries.
     */
    public void release(Claim claim) {
        execute("""
                update broker_deliveries set claimed_until = null, claim_token = null, attempts = attempts - 1
                 where id = ? and claim_token = ?""", (c, ps) -> {
            ps.setLong(1, claim.id());
            ps.setObject(2, claim.token());
        });
    }

    /** The newest deliveries first, optionally of one state. */
    public List<DeliveryView> list(String state, int limit) {
        return query("""
                select d.id, e.ce_id, e.ce_type, e.ce_source, d.trigger_name, d.subscriber_url, d.state, d.attempts, d.last_status,
                       d.last_error, d.dead_letter_of, d.created_at, d.next_attempt_at, d.delivered_at
                  from broker_deliveries d join broker_events e on e.id = d.event_id
                 where (cast(? as varchar) is null or d.state = ?)
                 order by d.id desc limit ?""", ps -> {
            ps.setString(1, state);
            ps.setString(2, state);
            ps.setInt(3, limit);
        }, rs -> {
            int status = rs.getInt(9);
            Integer lastStatus = rs.wasNull() ? null : status;
            long dlo = rs.getLong(11);
            Long deadLetterOf = rs.wasNull() ? null : dlo;
            return new DeliveryView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getInt(8), lastStatus, rs.getString(10), deadLetterOf,
                    instant(rs, 12), instant(rs, 13), instant(rs, 14));
        });
    }

    // ---- JDBC plumbing: the connection joins the caller's JTA transaction ----

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    interface ConnectionBinder {
        void bind(Connection c, PreparedStatement ps) throws SQLException;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("broker store: " + e.getMessage(), e);
        }
    }

    private <T> T update(String sql, Binder binder, RowMapper<T> mapper) {
        return query(sql, binder, mapper).get(0);
    }

    private int execute(String sql, ConnectionBinder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(c, ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("broker store: " + e.getMessage(), e);
        }
    }

    private static void setStatus(PreparedStatement ps, int index, Integer status) throws SQLException {
        if (status == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, status);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
    }
}
