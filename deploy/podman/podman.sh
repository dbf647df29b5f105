# Sourced by the scripts here: podman as it runs in these VMs (runc, cgroupfs; crun and the default ulimits are
# refused there, so containers.conf must say `default_ulimits = []`). SLUICE_PODMAN overrides the whole command.
if [ -n "${SLUICE_PODMAN:-}" ]; then
  read -r -a PODMAN <<< "$SLUICE_PODMAN"
else
  PODMAN=(podman --runtime runc --cgroup-manager=cgroupfs)
fi
pm() { "${PODMAN[@]}" "$@"; }
