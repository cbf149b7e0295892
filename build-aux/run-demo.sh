#!/bin/bash
# Builds Passdesk and starts it as an office would run it, on demo data:
#  - a local demo central server (passdesk-central) with demo offices, officers and online
#    declarations, on http://127.0.0.1:${PASSDESK_DEMO_PORT:-8737}/;
#  - a station store with ${PASSDESK_DEMO_COUNT:-2000} synthetic applications taken in by the
#    demo officer, enrolled with that server and synced (so the online declarations are there to
#    scan, even offline); the server then moves the applications it received along, and a
#    second sync brings their statuses back;
#  - the app, in Vietnamese (PASSDESK_LANGUAGE=en for English, or Preferences → Language).
# On a desktop the user's own session and keyring are used; with no display or no D-Bus session
# it runs in a private session kept under .demo/ (Xvfb when there is no display).
# Everything lives in .demo/; delete that folder to start again.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

[ -f build/build.ninja ] || meson setup build
ninja -C build

export PASSDESK_DATA_DIR="$top/data"
export PASSDESK_LOCALEDIR="$top/build/po"
export GSETTINGS_SCHEMA_DIR="$top/build/data"
if locale -a 2>/dev/null | grep -qi '^vi_VN.utf8$'; then export LC_ALL=vi_VN.UTF-8; fi

demo="$top/.demo"
mkdir -p "$demo"
db="$demo/passdesk.db"
central_db="$demo/central.db"
port="${PASSDESK_DEMO_PORT:-8737}"
server="http://127.0.0.1:$port/"
cli="$top/build/src/cli/passdesk-cli"
central="$top/build/src/central/passdesk-central"

run() {
  if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$@"
  else
    PASSDESK_SESSION_HOME="$demo/session" build-aux/session.sh "$@"
  fi
}

if [ ! -f "$central_db" ]; then
  "$central" seed-demo --db "$central_db" --declarations 300 > "$demo/central-seed.txt"
  echo "Demo central server seeded; officers and passwords: $demo/central-seed.txt"
fi

"$central" serve --db "$central_db" --address 127.0.0.1 --port "$port" > "$demo/central.log" 2>&1 &
central_pid=$!
trap 'kill $central_pid 2>/dev/null; wait $central_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening on" "$demo/central.log" 2>/dev/null && break
  kill -0 $central_pid 2>/dev/null || { cat "$demo/central.log"; exit 1; }
  sleep 0.1
done
echo "Demo central server: $server (log: $demo/central.log)"

if [ ! -f "$db" ]; then
  code=$("$central" enroll-code --db "$central_db" --office HN01 | tail -n 1)
  run bash -c '
    set -e
    "$1" init --db "$2"
    "$1" enroll --db "$2" --server "$4" --code "$5" --name "Demo station"
    # The demo officer signs in online first: the central system believes an acceptance only
    # from the token of the online sign-in of the accepting officer at this station, which the packet
    # carries (SECURITY.md). The demo applications are then taken in as the counter does
    # (drafts, held, refused, accepted through the intake).
    printf "officer1-demo\n" | "$1" sign-in --db "$2" --server "$4" --user officer1
    "$1" demo-data --db "$2" --count "$3"
    "$1" sync --db "$2" --server "$4"
    # What comes next belongs to the central system: the demo server moves the applications
    # it received along (processing, ready, some rejected), twice, and the station pulls that.
    "$6" seed-demo --db "$7" --declarations 0 > /dev/null
    "$6" seed-demo --db "$7" --declarations 0 > /dev/null
    "$1" sync --db "$2" --server "$4"
    gsettings set io.github.passdesk.Passdesk server-url "$4"
    gsettings set io.github.passdesk.Passdesk office-code HN01
  ' demo "$cli" "$db" "${PASSDESK_DEMO_COUNT:-2000}" "$server" "$code" "$central" "$central_db"
fi

run "$top/build/src/app/passdesk" --db "$db"
