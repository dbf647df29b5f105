package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @Test
    void aNewDataFolderGetsARandomOwnerOnlyTokenThatLaterStartsReuse(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        String token = AdminToken.loadOrCreate(data);
        assertThat(token).matches("sluice-[A-Za-z0-9_-]{43}");
        assertThat(Files.getPosixFilePermissions(data.resolve("admin-token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(AdminToken.loadOrCreate(data)).isEqualTo(token);
        assertThat(Files.exists(data.resolve("admin-token.partial"))).isFalse();
    }

    @Test
    void tokensOfDifferentDataFoldersDiffer(@TempDir Path tmp) throws Exception {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(AdminToken.loadOrCreate(tmp.resolve("d" + i)));
        }
        assertThat(tokens).hasSize(20);
    }

    @Test
    void anEmptyFileIsReplacedAndALooseOneIsTightened(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("admin-token"), "  \n");
        String made = AdminToken.loadOrCreate(tmp);
        assertThat(made).startsWith("sluice-");
        Files.setPosixFilePermissions(tmp.resolve("admin-token"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(AdminToken.loadOrCreate(tmp)).isEqualTo(made);
        assertThat(Files.getPosixFilePermissions(tmp.resolve("admin-token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
}
