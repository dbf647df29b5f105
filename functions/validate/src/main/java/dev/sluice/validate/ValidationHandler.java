package dev.sluice.validate;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.lib.Repository;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import dev.sluice.delivery.EventHandler;
import dev.sluice.events.BadEventException;
import dev.sluice.events.EventCodec;
import dev.sluice.events.EventTypes;
import dev.sluice.events.Payloads.StepFailed;
import dev.sluice.events.Payloads.ValidationCompleted;
import dev.sluice.events.Payloads.ValidationRequested;
import dev.sluice.git.GitRepositories;
import dev.sluice.git.GitRepositories.FileTooLargeException;
import dev.sluice.git.GitRepositories.GitAccessException;
import dev.sluice.git.GitRepositories.RepositoryNotAllowedException;
import dev.sluice.manifest.ManifestSet;
import dev.sluice.report.StageReport;
import dev.sluice.settings.SettingsException;
import dev.sluice.settings.SluiceSettings;
import dev.sluice.validate.rules.DryRunRule;
import dev.sluice.validate.rules.ValidationScope;
import dev.sluice.validate.schema.KubernetesSchemas;

/**
 * The validate function. Woken by {@code dev.sluice.validation.requested}: reads the manifests of the commit
 * under the {@code .sluice.yaml} manifest paths, validates them, stores the full report (and its SARIF rendering) and replies
 * {@code dev.sluice.validation.completed} (passed, counts by severity, summary). When the work cannot be done
 * it replies {@code dev.sluice.step.failed} (stage "validation"): retryable when git is unreachable, not when
 * {@code .sluice.yaml} is broken.
 */
@ApplicationScoped
public class ValidationHandler implements EventHandler {
    private static final Logger LOG = Logger.getLogger(ValidationHandler.class);
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    static final String FUNCTION = "validate";

    @Inject
    GitRepositories git;

    @Inject
    ManifestValidator validator;

    @Inject
    DryRunRule dryRun;

    @Inject
    MeterRegistry metrics;

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.VALIDATION_REQUESTED);
    }

    @Override
    public List<CloudEvent> handle(CloudEvent event) {
        long started = System.nanoTime();
        ValidationRequested request = requireComplete(EventCodec.data(event, ValidationRequested.class));
        String sha = request.sha().toLowerCase();
        List<String> paths;
        List<ManifestFile> files;
        ValidationSettings settings;
        try {
            Repository repo = git.repositoryWith(request.repositoryUrl(), sha);
            SluiceSettings sluice = GitRepositories.settings(repo, sha);
            paths = sluice.manifests();
            settings = ValidationSettings.of(sluice);
            files = ManifestSet.files(repo, sha, paths).stream().map(f -> ManifestFile.read(repo, sha, f)).toList();
        } catch (RepositoryNotAllowedException e) {
            return failed(request, e.getMessage(), false);
        } catch (GitAccessException e) {
            return failed(request, e.getMessage(), true);
        } catch (SettingsException e) {
            return failed(request, e.getMessage(), false);
        } catch (FileTooLargeException e) {
            // only .sluice.yaml gets here: manifest files too large are findings
            return failed(request, e.getMessage(), false);
        }
        ValidationResult result = validator.validate(paths, files,
                new ValidationScope(request.environment(), request.namespace()), settings);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        ValidationReport report = new ValidationReport(request.runId(), request.attempt(), request.repositoryUrl(), sha,
                request.environment(), request.namespace(), paths, validator.ruleIds(), result.files(), result.objects(),
                result.findings(), result.suppressed(), result.counts(), result.countsByCategory(), result.failOnWarnings(),
                result.passed(), result.summary(), KubernetesSchemas.get().provenance(), dryRun.status(), durationMs);
        StageReport.save(request.runId(), StageReport.VALIDATION, request.attempt(), report);
        // route serves this one at GET /runs/{id}/validation?format=sarif
        StageReport.save(request.runId(), SarifReport.STAGE, request.attempt(), SarifReport.of(report, validator.catalogue()));
        record(result, durationMs);
        LOG.infof("run %s attempt %d at %s: %s %s", request.runId(), request.attempt(), sha,
                result.passed() ? "passed," : "failed:", result.summary());
        return List.of(EventCodec.event(EventTypes.VALIDATION_COMPLETED, FUNCTION, request.runId(),
                new ValidationCompleted(request.runId(), request.attempt(), result.passed(), result.counts(),
                        result.summary())));
    }

    /**
     * {@code sluice_validation_duration_seconds{passed}} and {@code sluice_validation_findings_total{rule, severity}}; a rule
     * id outside the catalogue (none today) counts as "other", so the label stays bounded by the code.
     */
    private void record(ValidationResult result, long durationMs) {
        metrics.timer("sluice.validation.duration", "passed", String.valueOf(result.passed()))
                .record(java.time.Duration.ofMillis(durationMs));
        var catalogue = validator.catalogue().keySet();
        for (ManifestFinding f : result.findings()) {
            metrics.counter("sluice.validation.findings", "rule", catalogue.contains(f.ruleId()) ? f.ruleId() : "other",
                    "severity", String.valueOf(f.severity()).toLowerCase(java.util.Locale.ROOT)).increment();
        }
    }

    /** The fields without which validation can never succeed: a redelivery would not fix them. */
    static ValidationRequested requireComplete(ValidationRequested r) {
        if (r.runId() == null) {
            throw new BadEventException("runId is required");
        }
        if (r.repositoryUrl() == null || r.repositoryUrl().isBlank()) {
            throw new BadEventException("repositoryUrl is required");
        }
        if (r.sha() == null || r.sha().isBlank()) {
            throw new BadEventException("sha is required");
        }
        if (!SHA.matcher(r.sha()).matches()) {
            String got = r.sha().length() > 60 ? r.sha().substring(0, 60) + "..." : r.sha();
            throw new BadEventException("sha must be a full 40-character hex commit id, got '" + got + "'");
        }
        return r;
    }

    private static List<CloudEvent> failed(ValidationRequested request, String error, boolean retryable) {
        LOG.warnf("run %s attempt %d: validation could not run (%s): %s", request.runId(), request.attempt(),
                retryable ? "retryable" : "not retryable", error);
        return List.of(EventCodec.event(EventTypes.STEP_FAILED, FUNCTION, request.runId(),
                new StepFailed(request.runId(), request.attempt(), StageReport.VALIDATION, error, retryable)));
    }
}
