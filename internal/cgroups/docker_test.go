package cgroups

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

func TestStatsSample(t *testing.T) {
	root := t.TempDir()
	cg := "berth/web"
	files := map[string]string{
		"cpuacct/" + cg + "/cpuacct.usage":                           "2000000000\n",
		"memory/" + cg + "/memory.usage_in_bytes":                    "1048576\n",
		"memory/" + cg + "/memory.limit_in_bytes":                    "9223372036854771712\n",
		"memory/" + cg + "/memory.stat":                              "total_inactive_file 4096\n",
		"pids/" + cg + "/pids.current":                               "2\n",
		"blkio/" + cg + "/blkio.throttle.io_service_bytes_recursive": "8:0 Read 10\n8:0 Write 20\nTotal 30\n",
	}
	for p, content := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		os.WriteFile(filepath.Join(root, p), []byte(content), 0o644)
	}
	s, err := New(root, "/"+cg, false).Sample(apicontainer.StatsResponse{ID: "web", Name: "/web"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "/web" || s.Read.IsZero() || s.CPUStats.CPUUsage.TotalUsage != 2e9 || s.CPUStats.SystemUsage == 0 || s.CPUStats.OnlineCPUs == 0 {
		t.Errorf("cpu %+v", s.CPUStats)
	}
	if s.MemoryStats.Usage != 1048576 || s.MemoryStats.Limit != MachineMemory() || s.MemoryStats.Stats["total_inactive_file"] != 4096 {
		t.Errorf("memory %+v", s.MemoryStats)
	}
	if s.PidsStats.Current != 2 || len(s.BlkioStats.IoServiceBytesRecursive) != 2 {
		t.Errorf("pids %+v blkio %+v", s.PidsStats, s.BlkioStats)
	}
	if _, err := New(root, "/berth/db", false).Sample(apicontainer.StatsResponse{}); !errdefs.IsNotFound(err) {
		t.Errorf("missing cgroup: %v", err)
	}
}
