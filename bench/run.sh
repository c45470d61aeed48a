#!/usr/bin/env bash
# Image benchmarks: import, save and load of one layer through berthd,
# beside the same tar work done by GNU tar (the floor any engine sits on).
# Figures are medians of BENCH_RUNS runs; what matters is the ratio
# berthd/tar. Never a pass/fail test.
#
#   BERTH_BIN_DIR  where berthd and berth are (default: bin/)
#   BENCH_CLI      docker or berth (default: docker if on PATH, else berth)
#   BENCH_RUNS     runs per figure (default 3)
#   BENCH_MB       payload size in MiB besides busybox (default 64)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
RUNS="${BENCH_RUNS:-3}"
MB="${BENCH_MB:-64}"
OUT="$PWD/.bench"
export PATH="/usr/local/go/bin:${PATH}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (berthd mounts layers)" >&2; exit 1; }
[ -x "$BIN/berthd" ] || { echo "bench: no $BIN/berthd; run make build" >&2; exit 1; }

work="$(mktemp -d /tmp/berth-bench.XXXXXX)"
sock="$work/exec/berth.sock"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# Unmount whatever berthd left under the work dir, deepest first.
	awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print length($5) " " $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r m; do umount -l "$m" || true; done
	# The daemon's bridge and nftables table outlive it, by design.
	go run ./hack/netpurge "$work/data" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BENCH_CLI:-}" ]; then
	if command -v docker >/dev/null; then BENCH_CLI=docker; else BENCH_CLI=berth; fi
fi
case "$BENCH_CLI" in
docker) cli=(env -u DOCKER_CONTEXT DOCKER_CONFIG="$work/cli" DOCKER_HOST="unix://$sock" docker) ;;
berth) cli=("$BIN/berth" -H "unix://$sock") ;;
*) echo "bench: BENCH_CLI must be docker or berth" >&2; exit 1 ;;
esac

"$BIN/berthd" --data-root "$work/data" --exec-root "$work/exec" -H "unix://$sock" \
	--log-level warn >"$work/berthd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	"${cli[@]}" version >/dev/null 2>&1 && break
	sleep 0.2
done
"${cli[@]}" version >/dev/null 2>&1 || { echo "bench: berthd did not start:" >&2; cat "$work/berthd.log" >&2; exit 1; }

# Payload: the busybox rootfs plus MB MiB of incompressible data, half in
# 64 KiB files and half in one large file.
mkdir -p "$work/payload"
go run ./hack/busybox-rootfs -o "$work/base.tar"
tar -C "$work/payload" -xf "$work/base.tar"
mkdir -p "$work/payload/data"
half=$((MB * 1024 / 2))
head -c "$((half * 1024))" /dev/urandom >"$work/payload/data/large"
for i in $(seq 1 $((half / 64))); do
	head -c 65536 /dev/urandom >"$work/payload/data/small-$i"
done
tar -C "$work/payload" -cf "$work/payload.tar" .
size_mb=$(($(stat -c %s "$work/payload.tar") / 1048576))

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# median_ms CMD...: runs the command RUNS times (after its setup, which
# the caller does in a "before" function) and prints the median in ms.
median_ms() {
	local times=() t0
	for _ in $(seq 1 "$RUNS"); do
		before
		t0=$(now_ms)
		"$@" >/dev/null
		times+=($(($(now_ms) - t0)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

reset_images() {
	"${cli[@]}" rmi -f bench:1 >/dev/null 2>&1 || true
	"${cli[@]}" image prune -a -f >/dev/null 2>&1 || true
}
extract() { rm -rf "$work/x" && mkdir "$work/x" && tar -C "$work/x" -xf "$1" && sync -f "$work/x"; }

# import: berthd stores and unpacks the tar; baseline unpacks it.
before() { reset_images; }
import_berth=$(median_ms "${cli[@]}" import "$work/payload.tar" bench:1)
before() { :; }
import_tar=$(median_ms extract "$work/payload.tar")

# save: berthd writes the image archive; baseline packs the tree.
"${cli[@]}" import "$work/payload.tar" bench:1 >/dev/null
before() { rm -f "$work/saved.tar"; }
save_berth=$(median_ms "${cli[@]}" save -o "$work/saved.tar" bench:1)
before() { rm -f "$work/packed.tar"; }
save_tar=$(median_ms tar -C "$work/payload" -cf "$work/packed.tar" .)

# load: berthd reads the archive back; baseline unpacks the layer.
"${cli[@]}" save -o "$work/saved.tar" bench:1
before() { reset_images; }
load_berth=$(median_ms "${cli[@]}" load -i "$work/saved.tar")
before() { :; }
load_tar=$(median_ms extract "$work/payload.tar")

mkdir -p "$OUT"
{
	echo "# berth image benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), payload ${size_mb} MiB, ${RUNS} runs, client ${BENCH_CLI}"
	echo "# baseline: GNU tar (extract + sync, or create); ratio = berthd / baseline"
	printf '%-8s %12s %12s %8s\n' op berthd_ms tar_ms ratio
	for op in import save load; do
		b="${op}_berth" t="${op}_tar"
		printf '%-8s %12d %12d %8s\n' "$op" "${!b}" "${!t}" "$(awk -v b="${!b}" -v t="${!t}" 'BEGIN { printf "%.2f", (t > 0 ? b / t : 0) }')"
	done
} | tee "$OUT/image.txt"
