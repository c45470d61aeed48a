#!/usr/bin/env bash
# Sets Berth up on a Debian machine, as root, from this checkout:
#   1. installs the Debian packages berthd and the README's quick start
#      need (only those missing),
#   2. builds berthd, berth, berth-compose (`berth compose`) and berth-shim
#      and installs them to /usr/local/bin,
#   3. starts berthd in the background (log: /var/log/berthd.log) unless it
#      already runs,
#   4. imports busybox:latest, made offline from the host's busybox-static,
#      unless it is already there,
#   5. prints how to reach berthd.
# Running it again is safe: each step is skipped when already done.
# Run it as root: `hack/install.sh` in a root shell, `sudo hack/install.sh`
# as a user with sudo.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/apt.sh
. hack/apt.sh

# Where things go. The defaults are berthd's own; the BERTH_* variables
# move everything elsewhere, as the test of this script does.
PREFIX="${BERTH_PREFIX:-/usr/local}"
DATA_ROOT="${BERTH_DATA_ROOT:-/var/lib/berth}"
EXEC_ROOT="${BERTH_EXEC_ROOT:-/run/berth}"
LOG="${BERTH_LOG:-/var/log/berthd.log}"
SOCK="${EXEC_ROOT}/berth.sock"
HOST="unix://${SOCK}"
PIDFILE="${EXEC_ROOT}/berthd.pid"

say() { echo "install.sh: $*"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "install.sh: run as root: hack/install.sh in a root shell, or sudo hack/install.sh as a user with sudo" >&2
	exit 1
fi

# 1. Packages: busybox-static for the base image, crun and runc to run
# containers, tini for --init, docker-registry and curl for the quick
# start's registry and published-port examples, make to build.
apt_install_missing install.sh busybox-static crun runc tini docker-registry curl ca-certificates make

# 2. Build and install.
export PATH="/usr/local/go/bin:${PATH}"
command -v go >/dev/null || { echo "install.sh: Go not found (install it to /usr/local/go)" >&2; exit 1; }
make build
make install PREFIX="$PREFIX"
berth=("$PREFIX/bin/berth" -H "$HOST")

# 3. Start berthd unless it already runs.
ping_daemon() {
	if command -v curl >/dev/null; then
		[ "$(curl -sf --max-time 2 --unix-socket "$SOCK" http://berth/_ping 2>/dev/null)" = OK ]
	else
		"${berth[@]}" version >/dev/null 2>&1
	fi
}
running() {
	[ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

if ping_daemon; then
	say "berthd already answers on $SOCK"
elif running; then
	say "berthd (pid $(cat "$PIDFILE")) runs but does not answer yet; waiting"
else
	say "starting berthd (log: $LOG)"
	mkdir -p "$(dirname "$LOG")"
	setsid nohup "$PREFIX/bin/berthd" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" -H "$HOST" \
		--log-level info >>"$LOG" 2>&1 </dev/null &
fi
for _ in $(seq 1 100); do
	ping_daemon && break
	sleep 0.2
done
if ! ping_daemon; then
	echo "install.sh: berthd did not come up; last lines of $LOG:" >&2
	tail -n 30 "$LOG" >&2 || true
	exit 1
fi

# 4. A base image, made offline.
if "${berth[@]}" image inspect busybox:latest >/dev/null 2>&1; then
	say "busybox:latest already present"
else
	rootfs="$(mktemp /tmp/busybox-rootfs.XXXXXX.tar)"
	trap 'rm -f "$rootfs"' EXIT
	go run ./hack/busybox-rootfs -o "$rootfs"
	"${berth[@]}" import --change 'CMD ["sh"]' "$rootfs" busybox:latest
	say "imported busybox:latest"
fi

# berth finds the default socket by itself; elsewhere it needs -H.
try_berth="berth images"
if [ "$SOCK" != /run/berth/berth.sock ] || [ "$PREFIX" != /usr/local ]; then
	try_berth="$PREFIX/bin/berth -H $HOST images"
fi
cat <<EOT
install.sh: done. berthd (pid $(cat "$PIDFILE" 2>/dev/null || echo "?")) listens on $SOCK; log: $LOG
  $try_berth
  export DOCKER_HOST=$HOST   # for the docker CLI, docker-compose and the SDKs
  docker images
  kill \$(cat $PIDFILE)   # stops berthd; running containers keep running
EOT
