package dev.sluice.local.e2e;

import java.nio.file.Path;

/**
 * {@link RepositoryTestsIT}'s cases with the podman runner, as a machine with podman runs them: the pytest project's tests
 * run in a container of {@code localhost/sluice-test-python:bookworm} (Debian's python3 and python3-pytest, made by
 * {@code deploy/podman/test-image.sh}) with no network and the checkout read-only. Skipped without podman or the
 * image, unless SLUICE_REQUIRE names podman.
 */
class RepositoryTestsPodmanIT extends RepositoryTestsIT {
    static final String IMAGE = "localhost/sluice-test-python:bookworm";

    @Override
    String image() {
        return IMAGE;
    }

    @Override
    String[] runnerOptions(Path workDir) {
        return new String[] { "-Dsluice.validate.tests.runner=podman", "-Dsluice.validate.tests.work-dir=" + workDir };
    }

    @Override
    void assumeRunner() {
        if (!succeeds("podman", "image", "exists", IMAGE)) {
            require("podman", "podman or its image " + IMAGE + " is missing (deploy/podman/test-image.sh makes it)");
        }
    }
}
