package dev.sluice.local.broker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads and writes the broker's tables directly, to look at a delivery or stage a crashed worker's leftovers. */
@ApplicationScoped
public class BrokerRows {
    @Inject
    DataSource dataSource;

    /** The delivery of the event with this CloudEvent id through this trigger, as column -> value; empty when none. */
    public Map<String, Object> delivery(String ceId, String trigger) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select d.* from broker_deliveries d join broker_events e on e.id = d.event_id
                         where e.ce_id = ? and d.trigger_name = ? and d.dead_letter_of is null order by d.id limit 1""")) {
            ps.setString(1, ceId);
            ps.setString(2, trigger);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Object> row = new LinkedHashMap<>();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int execute(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
