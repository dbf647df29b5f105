#!/usr/bin/env bash
# Makes the functions' base image from Debian packages, without a registry: debootstrap (minbase) of Debian
# bookworm with a headless JRE, imported into podman as ${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm-jre17}.
# Cached: the image is kept (a second run is a no-op), the .debs in $SLUICE_CACHE/debs and the root file system
# tarball in $SLUICE_CACHE (rebuilt only when the package list below changes; debian-rootfs.sh). Needs root,
# debootstrap, podman.
#   deploy/podman/base-image.sh            # make it unless it exists
#   SLUICE_BASE_REBUILD=1 deploy/podman/base-image.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/podman.sh"
source "$here/debian-rootfs.sh"
IMAGE=${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm-jre17}
# what the functions need: a JRE (JGit is pure Java: no git), CA certificates for HTTPS git hosts, tzdata
PACKAGES=openjdk-17-jre-headless,ca-certificates,tzdata

if [ -z "${SLUICE_BASE_REBUILD:-}" ] && pm image exists "$IMAGE"; then
  echo "base image $IMAGE exists (SLUICE_BASE_REBUILD=1 to make it again)"
  exit 0
fi
# the JVM's own class data sharing archive for JDK classes, made once here (the app's AppCDS is per image)
class_data_sharing() {
  chroot "$1" java -Xshare:dump > /dev/null 2>&1 || true
}
debian_rootfs base "$PACKAGES" "${SLUICE_BASE_REBUILD:-}" class_data_sharing
pm import --change 'ENV LANG=C.UTF-8' --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  "$TARBALL" "$IMAGE" > /dev/null
echo "base image $IMAGE made from $TARBALL"
