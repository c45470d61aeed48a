#!/usr/bin/env bash
# Network throughput, never pass/fail: iperf3 (Debian's) for 5 s each on
#   1. host loopback (the limit),
#   2. host -> a published port on 127.0.0.1 (nftables DNAT, no proxy),
#   3. host -> the container's IP on a user bridge,
#   4. container -> container on that bridge.
# iperf3 runs inside the containers' network namespaces through nsenter,
# so the image needs no iperf3. Goal: (2) within 10% of (3).
#
#   BERTH_BIN_DIR  where berthd, berth and berth-shim are (default: bin/)
#   BENCH_SECS     seconds per measurement (default 5)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
SECS="${BENCH_SECS:-5}"
export PATH="/usr/local/go/bin:${PATH}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$BIN/berthd" ] || { echo "bench: no $BIN/berthd; run make build" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "bench: iperf3 not installed (apt-get install iperf3)" >&2; exit 1; }

work="$(mktemp -d /tmp/bn.XXXXXX)"
sock="$work/x/b.sock"
pid=""
pids=()
# The docker CLI drives berthd here: `berth network` is not written yet.
berth() { docker -H "unix://$sock" "$@"; }
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$pid" ]; then
		berth rm -f nsrv ncli >/dev/null 2>&1 || true
		berth network rm benchnet >/dev/null 2>&1 || true
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	go run ./hack/netpurge "$work/d" 2>/dev/null || true
	umount -R "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

"$BIN/berthd" --data-root "$work/d" --exec-root "$work/x" -H "unix://$sock" --log-level info >"$work/berthd.log" 2>&1 &
pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
go run ./hack/busybox-rootfs -o "$work/rootfs.tar"
"$BIN/berth" -H "unix://$sock" import "$work/rootfs.tar" busybox:latest >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
berth network create benchnet >/dev/null
srv=$(berth run -d --name nsrv --network benchnet -p "127.0.0.1:$port:5201" busybox sleep 600)
cli=$(berth run -d --name ncli --network benchnet busybox sleep 600)
srvip=$(berth inspect -f '{{.NetworkSettings.Networks.benchnet.IPAddress}}' nsrv)

nsenter --net="$work/x/netns/$srv" iperf3 -s -p 5201 >/dev/null 2>&1 & pids+=($!)
iperf3 -s -B 127.0.0.1 -p 5301 >/dev/null 2>&1 & pids+=($!)
sleep 0.5

gbits() { python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))'; }
run() { # label, then the client command
	local label=$1; shift
	local v; v=$("$@" -t "$SECS" -J | gbits)
	printf '%-40s %8s Gbit/s\n' "$label" "$v" >&2
	echo "$v"
}
echo "iperf3, ${SECS}s each, TCP, one stream" >&2
lo=$(run "host loopback (limit)" iperf3 -c 127.0.0.1 -p 5301)
pub=$(run "host -> published 127.0.0.1:$port" iperf3 -c 127.0.0.1 -p "$port")
cip=$(run "host -> container IP $srvip" iperf3 -c "$srvip" -p 5201)
c2c=$(run "container -> container (user bridge)" nsenter --net="$work/x/netns/$cli" iperf3 -c "$srvip" -p 5201)
python3 - "$lo" "$pub" "$cip" "$c2c" <<'PY'
import sys
lo, pub, cip, c2c = map(float, sys.argv[1:])
print(f"published / container IP: {pub / cip:.2f}  (goal >= 0.90)")
print(f"container IP / loopback:  {cip / lo:.2f}")
print(f"container->container / loopback: {c2c / lo:.2f}")
PY
