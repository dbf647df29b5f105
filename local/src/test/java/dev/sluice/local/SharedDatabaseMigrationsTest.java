package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * In a cluster the four functions share one database, and each ships common's migrations plus only its own. Whichever
 * starts first, the others must still start (migrations another function applied are expected) and apply their own,
 * even when their version is lower than one already applied (route's V5 after analyze's V10). The Flyway settings
 * are read from common's shared defaults, as every function reads them.
 */
class SharedDatabaseMigrationsTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyFunctionStartsOnADatabaseAnotherFunctionMigratedFirstWhateverTheOrder() throws Exception {
        List<List<String>> orders = List.of(
                List.of("functions/analyze", "functions/validate", "functions/deploy", "functions/route"),
                List.of("functions/route", "functions/deploy", "functions/analyze", "functions/validate"));
        for (List<String> order : orders) {
            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
                DataSource db = postgres.getPostgresDatabase();
                for (String function : order) {
                    flyway(db, function).migrate();
                    flyway(db, function).validate();
                }
                assertThat(appliedVersions(db)).as("applied, starting with " + order.get(0))
                        .containsExactlyInAnyOrderElementsOf(expectedVersions(order));
            }
        }
    }

    private static Flyway flyway(DataSource db, String function) throws Exception {
        Properties shared = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve("common/src/main/resources/META-INF/microprofile-config.properties"))) {
            shared.load(in);
        }
        List<String> locations = new ArrayList<>(List.of("filesystem:" + ROOT.resolve("common/src/main/resources/db/migration")));
        Path own = ROOT.resolve(function).resolve("src/main/resources/db/migration");
        if (Files.isDirectory(own)) {
            locations.add("filesystem:" + own);
        }
        return Flyway.configure().dataSource(db).locations(locations.toArray(String[]::new))
                .ignoreMigrationPatterns(shared.getProperty("quarkus.flyway.ignore-migration-patterns", "*:future").split(","))
                .outOfOrder(Boolean.parseBoolean(shared.getProperty("quarkus.flyway.out-of-order", "false")))
                .load();
    }

    private static List<String> expectedVersions(List<String> functions) throws Exception {
        List<String> versions = new ArrayList<>(versionsIn(ROOT.resolve("common/src/main/resources/db/migration")));
        for (String f : functions) {
            Path own = ROOT.resolve(f).resolve("src/main/resources/db/migration");
            if (Files.isDirectory(own)) {
                versions.addAll(versionsIn(own));
            }
        }
        return versions;
    }

    private static List<String> versionsIn(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).toList();
        }
    }

    private static List<String> appliedVersions(DataSource db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement()
                .executeQuery("select version from flyway_schema_history where success and version is not null")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
