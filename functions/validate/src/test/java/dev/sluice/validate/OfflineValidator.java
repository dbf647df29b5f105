package dev.sluice.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.sluice.validate.rules.*;

/**
 * The validator without CDI or a database: every rule bean but the dry-run, built by hand, for the agreement
 * test and the benchmark. {@code OfflineValidatorTest} keeps this list equal to the beans Quarkus finds.
 */
public final class OfflineValidator {
    private OfflineValidator() {
    }

    public static List<ManifestRule> rules() {
        return List.of(new CapabilitiesRule(), new ClusterAdminBindingRule(), new ContainerResourcesRule(),
                new DeprecatedApiRule(), new DnsNameRule(), new DuplicateEnvRule(), new DuplicateObjectRule(),
                new DuplicatePortRule(), new EnvSecretRule(), new HostNamespacesRule(), new HostPathRule(),
                new IdenticalProbesRule(), new ImageTagRule(), new KnativeConcurrencyRule(), new KnativeScaleRule(),
                new KnativeTimeoutRule(), new KnativeTrafficRule(), new LabelSyntaxRule(), new LivenessProbeRule(),
                new NameLabelRule(), new NamespaceMismatchRule(), new PrivilegeEscalationRule(), new PrivilegedRule(),
                new ProbePortRule(), new RbacWildcardRule(), new ReadOnlyRootFilesystemRule(), new ReadinessProbeRule(),
                new RunAsNonRootRule(), new SchemaRule(), new SecretDataRule(), new SelectorMismatchRule(),
                new ServiceOverlapRule(), new ServiceSelectorRule(), new UnknownKindRule(),
                new AutomountServiceAccountTokenRule(), new ControllerOverlapRule(), new DeploymentReplicasRule(),
                new DropCapabilitiesRule(), new HostPortRule(), new HostProcessRule(), new HpaReplicasRule(),
                new ImagePullPolicyRule(), new IngressTlsRule(), new InstanceLabelRule(), new LinuxHardeningRule(),
                new NakedPodRule(), new NetworkPolicyRule(), new NetworkPolicyPartialRule(), new PdbDisruptionRule(), new PdbHpaMinRule(),
                new PodDisruptionBudgetRule(), new PriorityClassRule(), new ProcMountRule(), new RbacPodExecRule(),
                new ResourceRangesRule(), new SensitiveConfigMapRule(), new TopologySpreadRule());
    }

    public static ManifestValidator create() {
        return new ManifestValidator(rules());
    }

    /** Reads every manifest file under a folder (as the handler would read them from git). */
    public static List<ManifestFile> files(Path dir) {
        List<ManifestFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(p).toString();
                if (dev.sluice.manifest.ManifestSet.isManifestFile(name)) {
                    files.add(ManifestFile.of(name, Files.readAllBytes(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    public static ValidationResult validate(Path dir, ValidationScope scope) {
        return create().validate(List.of(dir.getFileName() + "/"), files(dir), scope, ValidationSettings.DEFAULTS);
    }
}
