package cgroups

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

// tree writes files (path → content) below root.
func tree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStatsV1(t *testing.T) {
	root := t.TempDir()
	const cg = "berth/abc"
	tree(t, root, map[string]string{
		"cpuacct/" + cg + "/cpuacct.usage":                           "123456789\n",
		"cpuacct/" + cg + "/cpuacct.usage_percpu":                    "100000000 23456789 \n",
		"cpuacct/" + cg + "/cpuacct.stat":                            "user 7\nsystem 3\n",
		"cpu/" + cg + "/cpu.stat":                                    "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n",
		"memory/" + cg + "/memory.usage_in_bytes":                    "4096000\n",
		"memory/" + cg + "/memory.max_usage_in_bytes":                "5000000\n",
		"memory/" + cg + "/memory.limit_in_bytes":                    "9223372036854771712\n",
		"memory/" + cg + "/memory.failcnt":                           "0\n",
		"memory/" + cg + "/memory.stat":                              "cache 100\nrss 200\ntotal_inactive_file 50\n",
		"pids/" + cg + "/pids.current":                               "3\n",
		"pids/" + cg + "/pids.max":                                   "max\n",
		"blkio/" + cg + "/blkio.io_service_bytes_recursive":          "Total 0\n",
		"blkio/" + cg + "/blkio.throttle.io_service_bytes_recursive": "8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n",
		"blkio/" + cg + "/blkio.throttle.io_serviced_recursive":      "8:0 Read 1\n8:0 Write 2\nTotal 3\n",
	})
	s, err := New(root, "/"+cg, false).Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := CPU{Total: 123456789, PerCPU: []uint64{100000000, 23456789}, User: 70_000_000, Kernel: 30_000_000,
		Periods: 10, ThrottledPeriods: 2, ThrottledTime: 5000}
	if !reflect.DeepEqual(s.CPU, want) {
		t.Errorf("cpu: %+v", s.CPU)
	}
	if s.Memory.Usage != 4096000 || s.Memory.MaxUsage != 5000000 || s.Memory.Limit != 0 || s.Memory.Stats["total_inactive_file"] != 50 {
		t.Errorf("memory: %+v", s.Memory)
	}
	if s.Pids != (Pids{Current: 3}) {
		t.Errorf("pids: %+v", s.Pids)
	}
	wantIO := []IOEntry{{8, 0, "Read", 4096}, {8, 0, "Write", 8192}, {8, 0, "Total", 12288}}
	if !reflect.DeepEqual(s.IO.ServiceBytes, wantIO) || len(s.IO.Serviced) != 2 {
		t.Errorf("io: %+v", s.IO)
	}
}

func TestStatsV2(t *testing.T) {
	root := t.TempDir()
	const cg = "berth/abc"
	tree(t, root, map[string]string{
		cg + "/cpu.stat":       "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 20\n",
		cg + "/memory.current": "1048576\n",
		cg + "/memory.max":     "67108864\n",
		cg + "/memory.stat":    "anon 4096\nfile 8192\ninactive_file 1024\n",
		cg + "/memory.events":  "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n",
		cg + "/pids.current":   "2\n",
		cg + "/pids.max":       "100\n",
		cg + "/io.stat":        "8:16 rbytes=512 wbytes=1024 rios=1 wios=2 dbytes=0 dios=0\n",
		cg + "/cgroup.procs":   "42\n43\n",
	})
	c := New(root, "/"+cg, true)
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU.Total != 1_500_000 || s.CPU.User != 1_000_000 || s.CPU.Kernel != 500_000 || s.CPU.ThrottledTime != 20_000 {
		t.Errorf("cpu: %+v", s.CPU)
	}
	if s.Memory.Usage != 1048576 || s.Memory.Limit != 67108864 || s.Memory.Failcnt != 1 || s.Memory.Stats["inactive_file"] != 1024 {
		t.Errorf("memory: %+v", s.Memory)
	}
	if s.Pids != (Pids{Current: 2, Limit: 100}) {
		t.Errorf("pids: %+v", s.Pids)
	}
	want := []IOEntry{{8, 16, "read", 512}, {8, 16, "write", 1024}}
	if !reflect.DeepEqual(s.IO.ServiceBytes, want) {
		t.Errorf("io: %+v", s.IO.ServiceBytes)
	}
	pids, err := c.Pids()
	if err != nil || !reflect.DeepEqual(pids, []int{42, 43}) {
		t.Errorf("pids: %v, %v", pids, err)
	}
}

func TestPidsV1WalksChildren(t *testing.T) {
	root := t.TempDir()
	tree(t, root, map[string]string{
		"memory/berth/x/cgroup.procs":       "10\n",
		"memory/berth/x/child/cgroup.procs": "12\n11\n",
	})
	pids, err := New(root, "/berth/x", false).Pids()
	if err != nil || !reflect.DeepEqual(pids, []int{10, 11, 12}) {
		t.Fatalf("pids: %v, %v", pids, err)
	}
}

func TestMissingCgroup(t *testing.T) {
	c := New(t.TempDir(), "/berth/gone", false)
	if _, err := c.Stats(); !errdefs.IsNotFound(err) {
		t.Errorf("stats: %v", err)
	}
	if _, err := c.Pids(); !errdefs.IsNotFound(err) {
		t.Errorf("pids: %v", err)
	}
	if _, err := New(t.TempDir(), "/berth/gone", true).Pids(); !errdefs.IsNotFound(err) {
		t.Errorf("pids v2: %v", err)
	}
}

func TestParseProcStat(t *testing.T) {
	in := "cpu  100 0 50 1000 10 0 5 7 0 0\ncpu0 50 0 25 500 5 0 3 0 0 0\ncpu1 50 0 25 500 5 0 2 0 0 0\nintr 1 2 3\n"
	usage, online, err := ParseProcStat(strings.NewReader(in))
	if err != nil || usage != 1165*1e7 || online != 2 {
		t.Fatalf("got %d %d %v", usage, online, err)
	}
	if _, _, err := ParseProcStat(strings.NewReader("intr 1\n")); err == nil {
		t.Error("no cpu line accepted")
	}
}

func TestOnHost(t *testing.T) {
	if _, _, err := SystemCPU(); err != nil {
		t.Fatal(err)
	}
	// The cgroup of this very process exists on any Linux host.
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Skip(err)
	}
	unified := IsUnified(DefaultRoot)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 && (unified && f[0] == "0" || !unified && strings.Contains(f[1], "memory")) {
			pids, err := Open(f[2]).Pids()
			if err != nil || len(pids) == 0 {
				t.Errorf("own cgroup %s: %v %v", f[2], pids, err)
			}
		}
	}
}
