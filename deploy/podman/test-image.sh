#!/usr/bin/env bash
# Makes the image validate's podman test runner uses in its tests (issue 16) from Debian packages, without a registry:
# debootstrap (minbase) of Debian bookworm with python3 and pytest, imported into podman as
# ${SLUICE_TEST_IMAGE:-localhost/sluice-test-python:bookworm}. Cached like base-image.sh: the image is kept (a second
# run is a no-op), the root file system tarball in $SLUICE_CACHE (debian-rootfs.sh). Needs root, debootstrap, podman.
#   deploy/podman/test-image.sh            # make it unless it exists
#   SLUICE_TEST_IMAGE_REBUILD=1 deploy/podman/test-image.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/podman.sh"
source "$here/debian-rootfs.sh"
IMAGE=${SLUICE_TEST_IMAGE:-localhost/sluice-test-python:bookworm}

if [ -z "${SLUICE_TEST_IMAGE_REBUILD:-}" ] && pm image exists "$IMAGE"; then
  echo "test image $IMAGE exists (SLUICE_TEST_IMAGE_REBUILD=1 to make it again)"
  exit 0
fi
debian_rootfs test-python python3,python3-pytest "${SLUICE_TEST_IMAGE_REBUILD:-}"
# no .pyc files written next to the tests, output unbuffered, /work (where the runner copies the checkout) the default
pm import --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONDONTWRITEBYTECODE=1' --change 'ENV PYTHONUNBUFFERED=1' \
  --change 'WORKDIR /work' "$TARBALL" "$IMAGE" > /dev/null
echo "test image $IMAGE made from $TARBALL"
