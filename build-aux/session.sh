#!/bin/bash
# Runs a command the way Passdesk runs on a desktop: in its own D-Bus session with an
# unlocked gnome-keyring (for libsecret) and an X display (Xvfb), in a throw-away HOME so
# that tests never touch the user's keyring or settings.
#
#   build-aux/session.sh COMMAND [ARGS...]
#
# PASSDESK_SESSION_HOME=DIR keeps that HOME (and so the keyring holding the store key) across
# runs, for the demo; PASSDESK_XVFB=1 forces Xvfb even when a display exists.
set -euo pipefail

if [ -z "${PASSDESK_IN_SESSION:-}" ]; then
  if [ -n "${PASSDESK_SESSION_HOME:-}" ]; then
    scratch=$PASSDESK_SESSION_HOME
    mkdir -p "$scratch"
    rm -rf "$scratch/run"
  else
    scratch=$(mktemp -d -t passdesk-session.XXXXXX)
    trap 'rm -rf "$scratch"' EXIT
  fi
  export PASSDESK_IN_SESSION=1
  export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" \
         XDG_DATA_HOME="$scratch/home/.local/share" XDG_CACHE_HOME="$scratch/home/.cache" \
         XDG_RUNTIME_DIR="$scratch/run"
  mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  # Tests start from the schema defaults every time; a kept demo HOME keeps its settings too.
  if [ -n "${PASSDESK_SESSION_HOME:-}" ]; then
    export GSETTINGS_BACKEND=keyfile
  else
    export GSETTINGS_BACKEND=memory
  fi
  export NO_AT_BRIDGE=1
  status=0
  if [ -z "${DISPLAY:-}" ] || [ "${PASSDESK_XVFB:-}" = 1 ]; then
    xvfb-run -a -s "-screen 0 2560x1440x24" dbus-run-session -- "$0" "$@" || status=$?
  else
    dbus-run-session -- "$0" "$@" || status=$?
  fi
  exit $status
fi

# Inside the session: unlock a fresh login keyring; it becomes the default collection.
eval "$(printf 'passdesk-test' | gnome-keyring-daemon --unlock --components=secrets,pkcs11 2>/dev/null)" || true
export GNOME_KEYRING_CONTROL
exec "$@"
