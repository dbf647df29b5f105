package dev.sluice.route.dashboard;

import java.util.List;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import dev.sluice.route.api.RunView;
import dev.sluice.route.environments.EnvironmentView;
import dev.sluice.route.environments.ReleaseView;

/** The dashboard's Qute templates (src/main/resources/templates/dashboard/), checked when the application is built. */
@CheckedTemplate(basePath = "dashboard")
final class Pages {
    private Pages() {
    }

    static native TemplateInstance login(String next, String error);

    static native TemplateInstance runs(RunsPage page);

    static native TemplateInstance runs$rows(RunsPage page);

    static native TemplateInstance run(RunPage page);

    static native TemplateInstance run$body(RunPage page);

    static native TemplateInstance environments(List<EnvironmentView> items);

    static native TemplateInstance environment(String name, String project, List<ReleaseView> releases);

    static native TemplateInstance approvals(List<RunView> items);

    static native TemplateInstance approvals$rows(List<RunView> items);

    static native TemplateInstance error(int status, String message);

    static native TemplateInstance flash(boolean ok, String message);
}
