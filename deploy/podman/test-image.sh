#!/usr/bin/env bash
# Makes the image validate's podman test runner uses in its tests (issue 16) from Debian packages, without a registry:
# debootstrap (minbase) of Debian bookworm with python3 and pytest, imported into podman as
# ${SLUICE_TEST_IMAGE:-localhost/sluice-test-python:bookworm}. Cached like base-image.sh: the image is kept (a second
# run is a no-op), the .debs in $SLUICE_CACHE/debs and the root file system tarball in $SLUICE_CACHE (rebuilt only when
# the package list below changes). Needs root, debootstrap, podman.
#   deploy/podman/test-image.sh            # make it unless it exists
#   SLUICE_TEST_IMAGE_REBUILD=1 deploy/podman/test-image.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/podman.sh"
IMAGE=${SLUICE_TEST_IMAGE:-localhost/sluice-test-python:bookworm}
MIRROR=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
PACKAGES=python3,python3-pytest
CACHE=${SLUICE_CACHE:-$HOME/.cache/sluice}
KEY=$(printf '%s %s %s' "$SUITE" "$PACKAGES" "$MIRROR" | sha256sum | cut -c1-12)
TARBALL="$CACHE/test-python-$KEY.tar"

if [ -z "${SLUICE_TEST_IMAGE_REBUILD:-}" ] && pm image exists "$IMAGE"; then
  echo "test image $IMAGE exists (SLUICE_TEST_IMAGE_REBUILD=1 to make it again)"
  exit 0
fi
mkdir -p "$CACHE/debs"
if [ -n "${SLUICE_TEST_IMAGE_REBUILD:-}" ] || [ ! -s "$TARBALL" ]; then
  ROOT=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$ROOT"' EXIT
  echo "debootstrap $SUITE with $PACKAGES (debs cached in $CACHE/debs) ..."
  debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE/debs" "$SUITE" "$ROOT" "$MIRROR" \
    > "$CACHE/debootstrap-test.log" 2>&1 || { tail -30 "$CACHE/debootstrap-test.log"; exit 1; }
  chroot "$ROOT" apt-get clean
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/* \
    "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/log/*
  tar -C "$ROOT" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
fi
# no .pyc files written next to the tests (the checkout's copy is writable, but keep it clean); output unbuffered
pm import --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONDONTWRITEBYTECODE=1' --change 'ENV PYTHONUNBUFFERED=1' \
  --change 'WORKDIR /work' "$TARBALL" "$IMAGE" > /dev/null
echo "test image $IMAGE made from $TARBALL"
