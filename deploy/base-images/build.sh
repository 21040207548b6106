#!/usr/bin/env bash
# Builds local stand-ins for the official base images (python, node, postgres, redis) from a debootstrapped
# Debian bookworm and Debian's own packages, for machines that cannot reach an image registry.
# Each is tagged yjis-standin/NAME:TAG and carries the label yjis.recipe=<sha256 of its recipe>; an image whose
# label matches is kept, so they are rebuilt only when this folder (or the local CA certificates) changes.
#
# The stand-ins trust this machine's locally added certificate authorities (/usr/local/share/ca-certificates,
# the ones update-ca-certificates reads), because the package registries are reached through them here.
# Only the stand-ins do this: the production Dockerfile adds no certificate.
#
# Usage: deploy/base-images/build.sh      (as root, with dockerd and debootstrap; ./dev deploy-check runs it)
# Prints the four image names as NAME=IMAGE lines on stdout.
set -euo pipefail

# What goes into the images must be readable by their unprivileged users, whatever umask the caller has.
umask 022
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOCAL_CA="${LOCAL_CA_DIR:-/usr/local/share/ca-certificates}"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# How the Debian root file system is made; change BASE_RECIPE's text to make it again.
SUITE=bookworm
VARIANT=minbase
APT_CONF='APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n'
BASE_RECIPE="debootstrap --variant=$VARIANT $SUITE $MIRROR; apt.conf $APT_CONF; no apt lists or caches; / 0755"

# A stand-in's recipe: its Dockerfile (and the entrypoint), the base's recipe and the certificates it carries.
recipe_of() {
  { [ $# -eq 0 ] || (cd "$HERE" && sha256sum "$@"); echo "$BASE_RECIPE";
    find "$LOCAL_CA" -type f -name '*.crt' -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum; } \
    | sha256sum | cut -c1-16
}

current() {  # image recipe -> 0 if the image exists with that recipe
  [ "$(docker image inspect --format '{{ index .Config.Labels "yjis.recipe" }}' "$1" 2>/dev/null)" = "$2" ]
}

BASE=yjis-standin/debian:bookworm-minbase
base_recipe="$(echo "$BASE_RECIPE" | sha256sum | cut -c1-16)"
if ! current "$BASE" "$base_recipe"; then
  say "Building $BASE with debootstrap (Debian's packages from $MIRROR)"
  root="$(mktemp -d /var/tmp/yjis-bookworm.XXXXXX)"
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant="$VARIANT" "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 \
    || { tail -n 30 "$root.log" >&2; rm -f "$root.log"; echo "debootstrap failed" >&2; exit 1; }
  rm -f "$root.log"
  # As Debian's official images: no apt caches, no recommends.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  printf "$APT_CONF" >"$root/etc/apt/apt.conf.d/99yjis"
  chmod 0755 "$root"  # mktemp made it 0700: as the image's / it would shut every non-root user out
  tar -C "$root" -c . | docker import \
    --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' \
    --change "LABEL yjis.recipe=$base_recipe" - "$BASE" >/dev/null
  rm -rf "$root"; trap - EXIT
fi

build() {  # name tag recipe-file: builds the stand-in unless it is current; its log goes to $LOGS/name.log
  local image="yjis-standin/$1:$2" recipe ctx status=0
  recipe="$(recipe_of "$3" postgres-entrypoint.sh)-$base_recipe"
  current "$image" "$recipe" && return 0
  say "Building the stand-in $image"
  ctx="$(mktemp -d)"
  cp "$HERE/$3" "$HERE/postgres-entrypoint.sh" "$ctx/"
  mkdir "$ctx/local-ca"
  find "$LOCAL_CA" -type f -name '*.crt' -exec cp {} "$ctx/local-ca/" \; 2>/dev/null || true
  docker build --network host --build-arg "BASE=$BASE" --build-arg "RECIPE=$recipe" \
    -f "$ctx/$3" -t "$image" "$ctx" >"$LOGS/$1.log" 2>&1 || status=$?
  rm -rf "$ctx"
  return "$status"
}

# The four are independent: built side by side (most of the time goes on apt and dpkg).
LOGS="$(mktemp -d)"
STANDINS=("python 3.11-slim-bookworm" "node 20-bookworm-slim" "postgres 15-bookworm" "redis 7-bookworm")
pids=()
for standin in "${STANDINS[@]}"; do
  set -- $standin
  build "$1" "$2" "$1.Dockerfile" &
  pids+=($!)
done
failed=0
for i in "${!STANDINS[@]}"; do
  set -- ${STANDINS[$i]}
  if ! wait "${pids[$i]}"; then
    failed=1
    echo "building the stand-in $1 failed; the last lines of its build:" >&2
    tail -n 30 "$LOGS/$1.log" >&2 || true
  fi
done
rm -rf "$LOGS"
[ "$failed" = 0 ] || exit 1
for standin in "${STANDINS[@]}"; do
  set -- $standin
  echo "$1=yjis-standin/$1:$2"
done
