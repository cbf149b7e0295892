#!/bin/bash
# Runs CI (.ci/run) the way a new user's machine would: in a bare Debian 12 (bookworm) made
# with `debootstrap --variant=minbase`, with a clean clone of the current commit and a copy of
# ../shared beside it, as root and with no terminal. Packages this machine happens to have do
# not leak in, so a missing install step fails here instead of on a user's machine.
#
#   build-aux/check-fresh-debian.sh [COMMIT]
#
# COMMIT defaults to HEAD (uncommitted changes are not part of the check). Needs root (mounts
# /proc, /sys and /dev into the chroot). PASSDESK_FRESH_ROOT=DIR chooses where the system is
# made (default: a new folder under /var/tmp, removed at the end unless PASSDESK_FRESH_KEEP=1);
# PASSDESK_FRESH_MIRROR overrides the Debian mirror, by default the one this machine's apt uses.
# The last lines printed are CI's own summary and its exit status, which this script returns.
set -euo pipefail

# One block, read whole before it runs: editing or checking out this file while a check is
# under way (it takes the better part of an hour) cannot change what the running check does.
{
top=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$top" rev-parse "${1:-HEAD}")
shared="$top/../shared"

if [ "$(id -u)" -ne 0 ]; then
  echo "check-fresh-debian: run as root (it mounts /proc, /sys and /dev into the new system)" >&2
  exit 2
fi

if ! command -v debootstrap >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
fi

# The mirror apt already uses here: the deb822 "URIs:" of a source with the bookworm suite,
# else a one-line "deb URI bookworm main" entry.
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      /^[[:space:]]*$/ { if (suite && uri) { print uri; exit } uri = ""; suite = 0; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
      END { if (suite && uri) print uri }' "$f"
  done | head -n 1
  grep -hsE '^deb[[:space:]]+[^[]*[[:space:]]bookworm[[:space:]]' /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list | awk '{ print $2 }' | head -n 1 || true
}
mirror=${PASSDESK_FRESH_MIRROR:-$(find_mirror | head -n 1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
security_mirror=$(grep -hsE '^(URIs:|deb)[[:space:]]' /etc/apt/sources.list.d/* /etc/apt/sources.list |
  grep -oE 'https?://[^ ]*debian-security' | head -n 1 || true)
security_mirror=${security_mirror:-http://deb.debian.org/debian-security}

root=${PASSDESK_FRESH_ROOT:-$(mktemp -d /var/tmp/passdesk-fresh-debian.XXXXXX)}
# The new system's "/", as on any machine: mktemp's 0700 kept every user but root out of the
# whole system (CUPS's filters, run as lp, could not load libc).
mkdir -p "$root"
chmod 755 "$root"
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  if [ -z "${PASSDESK_FRESH_KEEP:-}" ] && [ -z "${PASSDESK_FRESH_ROOT:-}" ]; then
    rm -rf --one-file-system "$root"
  else
    echo "check-fresh-debian: the system is kept in $root"
  fi
}
trap cleanup EXIT

echo "=== debootstrap --variant=minbase bookworm $root ($mirror)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
  tail -n 30 "$root.debootstrap.log"; exit 2; }
rm -f "$root.debootstrap.log"

cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"

# What CI gets: a fresh clone of the commit, and shared/ beside it without write bits.
mkdir -p "$root/work"
git clone -q --no-local "$top" "$root/work/main"
git -C "$root/work/main" checkout -q --detach "$commit"
if [ -d "$shared" ]; then
  cp -a "$shared" "$root/work/shared"
  chmod -R a-w "$root/work/shared"
fi

for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sysfs "$root/sys" ;;
    dev) mount --rbind /dev "$root/dev"; mount --make-rslave "$root/dev" ;;
    dev/pts) continue ;;
  esac
  mounted+=("$root/$m")
done
mkdir -p "$root/dev/shm"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
mounted+=("$root/dev/shm")

echo "=== bash .ci/run in the new system (commit ${commit:0:12})"
status=0
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb CI=true LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /work/main && bash .ci/run' </dev/null || status=$?
echo "=== .ci/run in a fresh bookworm exited with status $status"
exit $status
}
