#!/usr/bin/env bash
# Build benchmark, never pass/fail: a ~10-step, two-stage Dockerfile that
# copies a 50 MB file and 2,000 small files, built three ways with
# `berth build`: cold (empty cache), fully cached, and after one small
# source file changed. `docker build` and `podman build` run the same
# builds beside it when a daemon for them is reachable.
#
#   BERTH_BIN_DIR  where berthd, berth and berth-shim are (default: bin/)
#   BENCH_LOG      where berthd logs (default: a file removed at the end)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
export PATH="/usr/local/go/bin:${PATH}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$BIN/berthd" ] || { echo "bench: no $BIN/berthd; run make build" >&2; exit 1; }

work="$(mktemp -d /tmp/bbuild.XXXXXX)"
sock="$work/x/b.sock"
pid=""
berth() { "$BIN/berth" -H "unix://$sock" "$@"; }
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print length($5) " " $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r m; do umount -l "$m" || true; done
	# The daemon's bridge and nftables table outlive it, by design.
	go run ./hack/netpurge "$work/d" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

"$BIN/berthd" --data-root "$work/d" --exec-root "$work/x" -H "unix://$sock" --log-level info >"${BENCH_LOG:-$work/berthd.log}" 2>&1 &
pid=$!
for _ in $(seq 1 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
go run ./hack/busybox-rootfs -o "$work/rootfs.tar"
berth import "$work/rootfs.tar" busybox:latest >/dev/null

ctx="$work/ctx"
mkdir -p "$ctx/src"
head -c $((50 << 20)) /dev/urandom >"$ctx/big.bin"
for i in $(seq 1 2000); do echo "file $i" >"$ctx/src/f$i.txt"; done
cat >"$ctx/Dockerfile" <<'DF'
FROM busybox AS deps
RUN mkdir -p /opt/deps && echo dep > /opt/deps/lib
FROM busybox
ARG VERSION=1
ENV APP=/app
WORKDIR /app
COPY big.bin /data/big.bin
COPY --from=deps /opt/deps /opt/deps
COPY src/ /app/src/
RUN ls /app/src | wc -l > /app/count
LABEL version=$VERSION
CMD ["cat", "/app/count"]
DF

now() { date +%s.%N; }
timed() { # label command...
	local t0 t1
	t0=$(now)
	"${@:2}" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
	t1=$(now)
	printf '  %-28s %8.3f s\n' "$1" "$(echo "$t1 - $t0" | bc)"
}
three() { # name build-command...
	echo "$1:"
	timed cold "${@:2}" --no-cache -t bench:cold "$ctx"
	timed "fully cached" "${@:2}" -t bench:cached "$ctx"
	echo "file 1 changed $RANDOM" >"$ctx/src/f1.txt"
	timed "one small file changed" "${@:2}" -t bench:changed "$ctx"
}

three "berth build" berth build
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	three "docker build" docker build
fi
if command -v podman >/dev/null; then
	three "podman build" podman build
fi
