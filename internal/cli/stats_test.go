package cli

import (
	"strings"
	"testing"
)

// statsJSON is one sample of a running container, with the previous CPU
// sample that percentages need.
const statsJSON = `{"read":"2025-01-01T00:00:01Z","preread":"2025-01-01T00:00:00Z","id":"` + ctrID + `","name":"/web",
"cpu_stats":{"cpu_usage":{"total_usage":400000000},"system_cpu_usage":2000000000,"online_cpus":2},
"precpu_stats":{"cpu_usage":{"total_usage":200000000},"system_cpu_usage":1000000000,"online_cpus":2},
"memory_stats":{"usage":10485760,"limit":104857600,"stats":{"inactive_file":1048576}},
"networks":{"eth0":{"rx_bytes":1000,"tx_bytes":2000}},
"blkio_stats":{"io_service_bytes_recursive":[{"op":"read","value":4096},{"op":"write","value":8192}]},
"pids_stats":{"current":3}}`

func TestStatsFormats(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/web/json", 200, ctrInspect)
	f.json("GET /containers/web/stats", 200, statsJSON)
	f.json("GET /containers/"+ctrID+"/stats", 200, statsJSON)
	for _, args := range [][]string{
		{"stats", "--no-stream", "web"},
		{"stats", "--no-stream", "--format", "table {{upper .Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.PIDs}}", "web"},
		{"stats", "--no-stream", "--format", "{{json .}}", "web"},
		{"stats", "--no-stream", "--format", "json", "web"},
		{"stats", "--no-stream", "--format", "{{.Container}} {{lower .MemPerc}} {{.NetIO}} {{.BlockIO}}", "web"},
	} {
		if r := f.sameAsDocker("", args...); r.code != 0 || !strings.Contains(strings.ToLower(r.out), "web") {
			t.Errorf("berth %s: %+v", strings.Join(args, " "), r)
		}
	}
	r := f.berth("", "stats", "--no-stream", "web")
	for _, want := range []string{"CPU %", "40.00%", "9MiB / 100MiB", "1kB / 2kB"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stats lacks %q:\n%s", want, r.out)
		}
	}
}
