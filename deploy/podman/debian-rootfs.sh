# Sourced by base-image.sh and test-image.sh: a root file system of Debian made by debootstrap (minbase), kept as a
# tarball in $SLUICE_CACHE (default ~/.cache/sluice; the .debs in its debs/), made again only when the suite, the
# package list or the mirror changes, or when asked to.
#   debian_rootfs NAME PACKAGES REBUILD [HOOK]
# sets TARBALL to $SLUICE_CACHE/NAME-<key>.tar, making it when missing or when REBUILD is not empty; HOOK, a function,
# gets the root folder before it is packed. Needs root and debootstrap.
debian_rootfs() {
  local name=$1 packages=$2 rebuild=$3 hook=${4:-}
  local mirror=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian} suite=bookworm
  local cache=${SLUICE_CACHE:-$HOME/.cache/sluice}
  local key
  key=$(printf '%s %s %s' "$suite" "$packages" "$mirror" | sha256sum | cut -c1-12)
  TARBALL="$cache/$name-$key.tar"
  mkdir -p "$cache/debs"
  if [ -z "$rebuild" ] && [ -s "$TARBALL" ]; then
    return 0
  fi
  DEBIAN_ROOT=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$DEBIAN_ROOT"' EXIT
  echo "debootstrap $suite with $packages (debs cached in $cache/debs) ..."
  debootstrap --variant=minbase --include="$packages" --cache-dir="$cache/debs" "$suite" "$DEBIAN_ROOT" "$mirror" \
    > "$cache/debootstrap-$name.log" 2>&1 || { tail -30 "$cache/debootstrap-$name.log"; exit 1; }
  # slim it: no apt lists, docs, man pages or locales in an image that is never upgraded in place
  chroot "$DEBIAN_ROOT" apt-get clean
  rm -rf "$DEBIAN_ROOT"/var/lib/apt/lists/* "$DEBIAN_ROOT"/usr/share/doc/* "$DEBIAN_ROOT"/usr/share/man/* \
    "$DEBIAN_ROOT"/usr/share/locale/* "$DEBIAN_ROOT"/var/cache/debconf/*-old "$DEBIAN_ROOT"/var/log/*
  if [ -n "$hook" ]; then
    "$hook" "$DEBIAN_ROOT"
  fi
  tar -C "$DEBIAN_ROOT" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
}
