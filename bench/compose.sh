#!/usr/bin/env bash
# Compose benchmarks, never pass/fail, all against one berthd in one run:
#  1. `berth compose up -d` and `down -v` of a 3-service project (a named
#     volume, two networks) and of one service with 20 replicas, beside
#     docker-compose 1.29 doing the same; the two alternate, which goes
#     first switching every round. Medians of BENCH_RUNS rounds, ratios
#     berth compose / docker-compose.
#  2. What health checks cost the daemon: berthd's CPU (utime + stime from
#     /proc/PID/stat over a BENCH_WINDOW-second window) and RSS with
#     BENCH_HEALTH_N containers probing every second, beside the same
#     number of containers without a health check. The shims' CPU (they run
#     the probes as execs, with the runtime as their child) is shown too.
#
#   BERTH_BIN_DIR   where berthd, berth, berth-compose and berth-shim are (default: bin/)
#   BENCH_RUNS      rounds for (1) (default 5)
#   BENCH_HEALTH_N  containers for (2) (default 100)
#   BENCH_WINDOW    seconds measured in (2) (default 20)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${BERTH_BIN_DIR:-$PWD/bin}"
RUNS="${BENCH_RUNS:-5}"
HN="${BENCH_HEALTH_N:-100}"
WINDOW="${BENCH_WINDOW:-20}"
OUT="$PWD/.bench"
mkdir -p "$OUT"
export PATH="/usr/local/go/bin:${PATH}"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
for b in berthd berth berth-compose berth-shim; do
	[ -x "$BIN/$b" ] || { echo "bench: no $BIN/$b; run make build" >&2; exit 1; }
done
have_dc=1
command -v docker-compose >/dev/null || { have_dc=0; echo "bench: docker-compose not installed; berth compose alone" >&2; }

work="$(mktemp -d /tmp/bc.XXXXXX)"
sock="$work/x/b.sock"
pid=""
berth() { "$BIN/berth" -H "unix://$sock" "$@"; }
cleanup() {
	for p in p3 p20; do
		[ -d "$work/$p" ] && (cd "$work/$p" && berth compose down -v -t 1 >/dev/null 2>&1) || true
	done
	berth rm -f $(berth ps -aq 2>/dev/null) >/dev/null 2>&1 || true
	berth volume prune -af >/dev/null 2>&1 || true
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print length($5) " " $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r m; do umount -l "$m" || true; done
	# The daemon's bridges and nftables table outlive it, by design.
	go run ./hack/netpurge "$work/d" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

"$BIN/berthd" --data-root "$work/d" --exec-root "$work/x" -H "unix://$sock" --log-level info >"$work/berthd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
go run ./hack/busybox-rootfs -o "$work/rootfs.tar"
berth import --change 'CMD ["sh"]' "$work/rootfs.tar" busybox:latest >/dev/null

# A service's command that ends at once on SIGTERM, so down measures the
# engine rather than a stop timeout.
cmd='["sh", "-c", "trap \"exit 0\" TERM; sleep 3600 & wait"]'
mkdir -p "$work/p3" "$work/p20"
cat >"$work/p3/compose.yaml" <<EOF
services:
  web:
    image: busybox
    command: $cmd
    networks: [front, back]
  db:
    image: busybox
    command: $cmd
    volumes: [data:/data]
    networks: [back]
  worker:
    image: busybox
    command: $cmd
networks:
  front: {}
  back: {}
volumes:
  data: {}
EOF
cat >"$work/p20/compose.yaml" <<EOF
services:
  replica:
    image: busybox
    command: $cmd
    scale: 20
EOF

now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed DIR TOOL ARGS...: milliseconds one compose command took; a failed
# command stops the benchmark (its figures would mean nothing).
timed() {
	local dir=$1 tool=$2; shift 2
	local t0 t1
	t0=$(now)
	if [ "$tool" = berth ]; then
		(cd "$dir" && "$BIN/berth" -H "unix://$sock" compose -p bench "$@") >"$work/last.log" 2>&1
	else
		(cd "$dir" && DOCKER_HOST="unix://$sock" docker-compose -p bench "$@") >"$work/last.log" 2>&1
	fi || { echo "bench: $tool $* failed:" >&2; cat "$work/last.log" >&2; exit 1; }
	t1=$(now)
	echo $(( (t1 - t0) / 1000000 ))
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
runtime=$(berth info --format '{{.DefaultRuntime}}')
declare -A ms
tools=(berth)
[ "$have_dc" -eq 1 ] && tools=(berth docker-compose)
for i in $(seq 1 "$RUNS"); do
	order=("${tools[@]}")
	if [ $((i % 2)) -eq 0 ] && [ "${#tools[@]}" -eq 2 ]; then order=(docker-compose berth); fi
	for p in p3 p20; do
		for tool in "${order[@]}"; do
			ms[$tool.$p.up]+="$(timed "$work/$p" "$tool" up -d) "
			ms[$tool.$p.down]+="$(timed "$work/$p" "$tool" down -v -t 1) "
			# down must really have removed the project, or its time means nothing.
			if [ -n "$(berth ps -aq)" ] || [ -n "$(berth volume ls -q)" ]; then
				echo "bench: $tool down -v left containers or volumes behind" >&2
				exit 1
			fi
		done
	done
done

# Health checks: the daemon's CPU over a window, and its RSS at the end.
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
shim_ticks() {
	# The shims' own time and that of their reaped children (the runtime's
	# exec of each probe).
	local sum=0 p
	for p in $(pgrep -f "berth-shim.*$work"); do
		sum=$((sum + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# measure LABEL: prints "LABEL berthd-cpu% shims-cpu% berthd-rss".
measure() {
	local d0 s0 d1 s1
	d0=$(cpu_ticks "$pid"); s0=$(shim_ticks)
	sleep "$WINDOW"
	d1=$(cpu_ticks "$pid"); s1=$(shim_ticks)
	awk -v l="$1" -v d=$((d1 - d0)) -v s=$((s1 - s0)) -v t="$ticks" -v w="$WINDOW" -v r="$(rss_mib "$pid")" \
		'BEGIN { printf "%s %.2f %.2f %s\n", l, 100 * d / t / w, 100 * s / t / w, r }'
}
run_n() {
	local i
	for i in $(seq 1 "$HN"); do berth run -d "$@" busybox sh -c 'trap "exit 0" TERM; sleep 3600 & wait' >/dev/null; done
}
run_n
sleep 3
plain=$(measure plain)
berth rm -f $(berth ps -aq) >/dev/null
run_n --health-cmd true --health-interval 1s --health-timeout 5s --health-retries 3
for _ in $(seq 1 120); do
	[ "$(berth ps -q --filter health=healthy | wc -l)" -ge "$HN" ] && break
	sleep 1
done
healthy=$(berth ps -q --filter health=healthy | wc -l)
checked=$(measure checked)
execs=$(berth inspect -f '{{if .ExecIDs}}{{len .ExecIDs}}{{else}}0{{end}}' $(berth ps -q) | sort -n | tail -1)
berth rm -f $(berth ps -aq) >/dev/null

{
	echo "berth compose (berth-compose $("$BIN/berth-compose" compose version --short 2>/dev/null || echo ?)) beside docker-compose $(docker-compose version --short 2>/dev/null || echo absent), same berthd"
	echo "runtime: $runtime; rounds: $RUNS, alternating which goes first; load average before: $load"
	printf '%-28s %12s %16s %7s\n' "median ms" "berth" "docker-compose" "ratio"
	for p in p3 p20; do
		for op in up down; do
			b=$(median ${ms[berth.$p.$op]})
			label="$op $( [ "$op" = up ] && echo -d || echo -v ), $( [ $p = p3 ] && echo "3 services" || echo "20 replicas")"
			if [ "$have_dc" -eq 1 ]; then
				c=$(median ${ms[docker-compose.$p.$op]})
				awk -v l="$label" -v b="$b" -v c="$c" 'BEGIN { printf "%-28s %12d %16d %7.2f\n", l, b, c, b / c }'
			else
				printf '%-28s %12d %16s %7s\n' "$label" "$b" - -
			fi
		done
	done
	echo
	echo "health checks: $HN containers, probe 'true' every 1s (healthy: $healthy), window ${WINDOW}s"
	printf '%-22s %12s %12s %12s\n' "" "berthd CPU%" "shims CPU%" "berthd RSS"
	for row in "$plain" "$checked"; do
		set -- $row
		label="without health checks"
		[ "$1" = checked ] && label="probing every second"
		printf '%-22s %12s %12s %9s MiB\n' "$label" "$2" "$3" "$4"
	done
	echo "exec records held per container at the end: ${execs:-0}"
} | tee "$OUT/compose.txt"
