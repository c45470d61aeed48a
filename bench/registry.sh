#!/usr/bin/env bash
# Registry benchmark: push and pull of a multi-layer image (BENCH_REG_MB
# MiB in BENCH_REG_LAYERS layers, half random, half text) between berthd and
# Debian's docker-registry on loopback, beside the registry's raw
# throughput (curl uploading and downloading the same blobs) as the floor.
# docker and podman are measured when installed with a daemon to talk to;
# here they are not. Never a pass/fail test.
#
#   BERTH_BIN_DIR     where berthd and berth are (default: bin/)
#   BENCH_REG_MB      image size in MiB (default 200)
#   BENCH_REG_LAYERS  number of layers (default 4)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
MB="${BENCH_REG_MB:-200}"
LAYERS="${BENCH_REG_LAYERS:-4}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$BIN/berthd" ] || { echo "bench: no $BIN/berthd; run make build" >&2; exit 1; }
command -v docker-registry >/dev/null || { echo "bench/registry: docker-registry not installed; skipped" >&2; exit 0; }

work="$(mktemp -d /tmp/berth-regbench.XXXXXX)"
sock="$work/exec/berth.sock"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	sleep 1
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print length($5) " " $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r m; do umount -l "$m" || true; done
	# The daemon's bridge and nftables table outlive it, by design.
	go run ./hack/netpurge "$work/data" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
host="127.0.0.1:$port"
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $host
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
pids+=($!)
"$BIN/berthd" --data-root "$work/data" --exec-root "$work/exec" -H "unix://$sock" --log-level warn >"$work/berthd.log" 2>&1 &
pids+=($!)
berth=("$BIN/berth" -H "unix://$sock")
for _ in $(seq 1 100); do
	"${berth[@]}" version >/dev/null 2>&1 && curl -fs "http://$host/v2/" >/dev/null && break
	sleep 0.2
done

# The image, as a docker-archive: each layer one file, half random bytes
# and half base64 text (so gzip has some work).
per=$((MB / LAYERS))
mkdir -p "$work/img"
diffs=()
for i in $(seq 1 "$LAYERS"); do
	mkdir -p "$work/l$i"
	head -c $((per * 1024 * 512)) /dev/urandom >"$work/l$i/random$i"
	head -c $((per * 1024 * 384)) /dev/urandom | base64 >"$work/l$i/text$i"
	tar -C "$work/l$i" -cf "$work/img/l$i.tar" .
	diffs+=("\"sha256:$(sha256sum "$work/img/l$i.tar" | cut -d' ' -f1)\"")
done
(IFS=,; echo "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[${diffs[*]}]}}") >"$work/img/config.json"
layers=$(for i in $(seq 1 "$LAYERS"); do printf '"l%s.tar",' "$i"; done)
echo "[{\"Config\":\"config.json\",\"RepoTags\":[\"$host/bench/img:1\"],\"Layers\":[${layers%,}]}]" >"$work/img/manifest.json"
tar -C "$work/img" -cf "$work/image.tar" .
"${berth[@]}" load -q -i "$work/image.tar" >/dev/null
size=$(du -cb "$work"/img/l*.tar | tail -1 | cut -f1)
mib=$(awk -v b="$size" 'BEGIN { printf "%.0f", b / 1048576 }')

now() { date +%s.%N; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%7.1f MB/s (%5.2f s)", b / 1e6 / s, s }'; }

t0=$(now); "${berth[@]}" push -q "$host/bench/img:1" >/dev/null; t1=$(now)
push1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
"${berth[@]}" rmi -f "$("${berth[@]}" image inspect -f '{{.Id}}' "$host/bench/img:1")" >/dev/null
"${berth[@]}" load -q -i "$work/image.tar" >/dev/null
t0=$(now); "${berth[@]}" push -q "$host/bench/img:1" >/dev/null; t1=$(now)
push2=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
# By ID: the digest reference a push records keeps the image otherwise.
"${berth[@]}" rmi -f "$("${berth[@]}" image inspect -f '{{.Id}}' "$host/bench/img:1")" >/dev/null
t0=$(now); "${berth[@]}" pull -q "$host/bench/img:1" >/dev/null; t1=$(now)
pull=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

# The floor: the registry's own speed for the same compressed blobs.
blobs=$(curl -fs -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$host/v2/bench/img/manifests/1" |
	python3 -c 'import json,sys; print(" ".join(l["digest"] for l in json.load(sys.stdin)["layers"]))')
compressed=0
t0=$(now)
for b in $blobs; do
	n=$(curl -fs -o "$work/blob-${b#sha256:}" -w '%{size_download}' "http://$host/v2/bench/img/blobs/$b")
	compressed=$((compressed + ${n%.*}))
done
t1=$(now)
get=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now)
for b in $blobs; do
	loc=$(curl -fs -X POST -D - -o /dev/null "http://$host/v2/raw/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location" {print $2}')
	case "$loc" in http*) ;; *) loc="http://$host$loc" ;; esac
	curl -fs -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$work/blob-${b#sha256:}" "$loc&digest=$b" -o /dev/null
done
t1=$(now)
put=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

echo "registry: ${mib} MiB image in $LAYERS layers (uncompressed; $((compressed / 1048576)) MiB gzipped), loopback docker-registry"
printf '  %-44s %s\n' "berth push (first: gzip + upload)" "$(rate "$size" "$push1")"
printf '  %-44s %s\n' "berth push (blobs already in registry)" "$(rate "$size" "$push2")"
printf '  %-44s %s\n' "berth pull (download + verify + unpack)" "$(rate "$size" "$pull")"
printf '  %-44s %s\n' "curl GET of the gzipped blobs (floor)" "$(rate "$compressed" "$get")"
printf '  %-44s %s\n' "curl PUT of the gzipped blobs (floor)" "$(rate "$compressed" "$put")"
for other in docker podman; do
	if ! command -v "$other" >/dev/null || ! "$other" info >/dev/null 2>&1; then
		echo "  $other: not available here (no engine to measure)"
	fi
done
