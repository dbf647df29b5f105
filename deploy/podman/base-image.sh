#!/usr/bin/env bash
# Makes the functions' base image from Debian packages, without a registry: debootstrap (minbase) of Debian
# bookworm with a headless JRE, imported into podman as ${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm-jre17}.
# Cached: the image is kept (a second run is a no-op), the .debs in $SLUICE_CACHE/debs and the root file system
# tarball in $SLUICE_CACHE (rebuilt only when the package list below changes). Needs root, debootstrap, podman.
#   deploy/podman/base-image.sh            # make it unless it exists
#   SLUICE_BASE_REBUILD=1 deploy/podman/base-image.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/podman.sh"
IMAGE=${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm-jre17}
MIRROR=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# what the functions need: a JRE (JGit is pure Java: no git), CA certificates for HTTPS git hosts, tzdata
PACKAGES=openjdk-17-jre-headless,ca-certificates,tzdata
CACHE=${SLUICE_CACHE:-$HOME/.cache/sluice}
KEY=$(printf '%s %s %s' "$SUITE" "$PACKAGES" "$MIRROR" | sha256sum | cut -c1-12)
TARBALL="$CACHE/base-$KEY.tar"

if [ -z "${SLUICE_BASE_REBUILD:-}" ] && pm image exists "$IMAGE"; then
  echo "base image $IMAGE exists (SLUICE_BASE_REBUILD=1 to make it again)"
  exit 0
fi
mkdir -p "$CACHE/debs"
if [ -n "${SLUICE_BASE_REBUILD:-}" ] || [ ! -s "$TARBALL" ]; then
  ROOT=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$ROOT"' EXIT
  echo "debootstrap $SUITE with $PACKAGES (debs cached in $CACHE/debs) ..."
  debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE/debs" "$SUITE" "$ROOT" "$MIRROR" \
    > "$CACHE/debootstrap.log" 2>&1 || { tail -30 "$CACHE/debootstrap.log"; exit 1; }
  # slim it: no apt lists, docs, man pages or locales in an image that is never upgraded in place
  chroot "$ROOT" apt-get clean
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/* \
    "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/log/*
  # the JVM's own class data sharing archive for JDK classes, made once here (the app's AppCDS is per image)
  chroot "$ROOT" java -Xshare:dump > /dev/null 2>&1 || true
  tar -C "$ROOT" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
fi
pm import --change 'ENV LANG=C.UTF-8' --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  "$TARBALL" "$IMAGE" > /dev/null
echo "base image $IMAGE made from $TARBALL"
