#!/usr/bin/env bash
# Container benchmarks, never pass/fail:
#  1. `berth run --rm busybox true` beside `crun run` of the same rootfs
#     (the OCI runtime's own start time, the floor), alternating in one run;
#     medians and their ratio.
#  2. 50 `berth run -d busybox sleep` in a row: total time, berthd's RSS,
#     and per running container the shim's RSS and PSS.
#
#   BERTH_BIN_DIR  where berthd, berth and berth-shim are (default: bin/)
#   BENCH_RUNS     runs per side for (1) (default 30)
#   BENCH_N        containers for (2) (default 50)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
RUNS="${BENCH_RUNS:-30}"
N="${BENCH_N:-50}"
OUT="$PWD/.bench"
mkdir -p "$OUT"
export PATH="/usr/local/go/bin:${PATH}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$BIN/berthd" ] || { echo "bench: no $BIN/berthd; run make build" >&2; exit 1; }
command -v crun >/dev/null || { echo "bench: crun not installed" >&2; exit 1; }

work="$(mktemp -d /tmp/bb.XXXXXX)"
sock="$work/x/b.sock"
pid=""
berth() { "$BIN/berth" -H "unix://$sock" "$@"; }
cleanup() {
	berth rm -f $(berth ps -aq 2>/dev/null) >/dev/null 2>&1 || true
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	crun --root "$work/crun" delete -f benchc >/dev/null 2>&1 || true
	crun --root "$work/crun" delete -f benchb >/dev/null 2>&1 || true
	awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print length($5) " " $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r m; do umount -l "$m" || true; done
	# The daemon's bridge and nftables table outlive it, by design.
	go run ./hack/netpurge "$work/d" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

"$BIN/berthd" --data-root "$work/d" --exec-root "$work/x" -H "unix://$sock" --log-level info >"$work/berthd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done

# The same rootfs for both sides: the busybox fixture the tests use.
go run ./hack/busybox-rootfs -o "$work/rootfs.tar"
berth import "$work/rootfs.tar" busybox:latest >/dev/null
runtime=$(berth info --format "{{.DefaultRuntime}}")
grep -i "runtime" "$work/berthd.log" >&2 || true

# crun's bundle: its default spec, running `true` without a terminal.
mkdir -p "$work/bundle/rootfs" "$work/crun"
tar -C "$work/bundle/rootfs" -xf "$work/rootfs.tar"
(cd "$work/bundle" && crun spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' "$work/bundle/config.json"

# A second crun bundle with the very spec berthd writes (Docker's seccomp
# profile, masked paths, devices...): the runtime's own cost of those.
cid=$(berth run -d busybox sleep 60)
mkdir -p "$work/bspec/rootfs"
tar -C "$work/bspec/rootfs" -xf "$work/rootfs.tar"
go run ./bench/ocispec "$work/x/c/$cid/config.json" "$work/bspec/config.json"
berth rm -f "$cid" >/dev/null

now() { date +%s%N; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
berth_ms=() crun_ms=() crunb_ms=()
for i in $(seq 1 "$RUNS"); do
	t0=$(now); berth run --rm busybox true; t1=$(now)
	berth_ms+=($(( (t1 - t0) / 1000 )))
	t0=$(now); crun --root "$work/crun" run --bundle "$work/bundle" benchc; t1=$(now)
	crun_ms+=($(( (t1 - t0) / 1000 )))
	t0=$(now); crun --root "$work/crun" run --bundle "$work/bspec" benchb; t1=$(now)
	crunb_ms+=($(( (t1 - t0) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bm=$(median "${berth_ms[@]}")
cm=$(median "${crun_ms[@]}")
cbm=$(median "${crunb_ms[@]}")

# 50 detached containers.
t0=$(now)
for i in $(seq 1 "$N"); do berth run -d busybox sleep 3600 >/dev/null; done
t1=$(now)
total_ms=$(( (t1 - t0) / 1000000 ))
sleep 1
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
daemon_rss=$(rss_kb "$pid")
shim_rss=0 shim_pss=0 shims=0
for p in $(pgrep -f "berth-shim.*$work"); do
	r=$(awk '/^Rss:/ {print $2}' "/proc/$p/smaps_rollup")
	s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
	shim_rss=$((shim_rss + r)); shim_pss=$((shim_pss + s)); shims=$((shims + 1))
done

{
	echo "runtime: $runtime; runs per side: $RUNS; load average before: $load"
	awk -v b="$bm" -v c="$cm" -v cb="$cbm" 'BEGIN {
		printf "berth run --rm busybox true          median %6.1f ms\n", b / 1000
		printf "crun run, crun spec (same rootfs)    median %6.1f ms\n", c / 1000
		printf "crun run, berth spec (same rootfs)   median %6.1f ms\n", cb / 1000
		printf "ratio berth / crun with crun spec    %6.2f\n", b / c
		printf "ratio berth / crun with berth spec   %6.2f\n", b / cb }'
	echo "$N x berth run -d: total ${total_ms} ms ($(( total_ms / N )) ms each)"
	echo "berthd RSS with $N running: $((daemon_rss / 1024)) MiB"
	if [ "$shims" -gt 0 ]; then
		echo "per container shim: RSS $((shim_rss / shims)) KiB, PSS $((shim_pss / shims)) KiB ($shims shims)"
	fi
} | tee "$OUT/containers.txt"
