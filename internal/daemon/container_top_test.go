package daemon

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/testutil/need"
	"github.com/containerd/errdefs"
)

func TestParsePS(t *testing.T) {
	out := `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root         100       1  0 10:01 ?        00:00:00 sh -c sleep 1000
root         101     100  0 10:01 ?        00:00:00 sleep 1000
root         200       1  0 10:02 ?        00:00:00 other
`
	top, err := parsePS([]byte(out), []int{100, 101})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(top.Titles, []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}) {
		t.Errorf("titles %v", top.Titles)
	}
	want := [][]string{
		{"root", "100", "1", "0", "10:01", "?", "00:00:00", "sh -c sleep 1000"},
		{"root", "101", "100", "0", "10:01", "?", "00:00:00", "sleep 1000"},
	}
	if !reflect.DeepEqual(top.Processes, want) {
		t.Errorf("processes %q", top.Processes)
	}

	// With -L, thread rows carry "-" as pid and follow their process.
	threads := "PID LWP CMD\n100 - sh\n- 100 sh\n- 102 sh\n200 - other\n- 200 other\n"
	top, _ = parsePS([]byte(threads), []int{100})
	if len(top.Processes) != 3 {
		t.Errorf("threads: %q", top.Processes)
	}
	if _, err := parsePS([]byte("USER CMD\nroot x\n"), []int{1}); err == nil {
		t.Error("ps output without PID accepted")
	}
}

func TestContainerTopRefusals(t *testing.T) {
	d, _ := listFixture(t)
	ctx := context.Background()
	_, err := d.ContainerTop(ctx, "db", "")
	if !errdefs.IsConflict(err) || !strings.HasSuffix(err.Error(), "is not running") {
		t.Errorf("stopped: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "web", "-o user=PID"); !errdefs.IsInvalidArgument(err) || err.Error() != `specifying "user=PID" is not allowed` {
		t.Errorf("renamed pid column: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "ghost", ""); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
}

// TestRunPS runs the host's ps for this very process.
func TestRunPS(t *testing.T) {
	need.Command(t, "ps", "procps")
	pid := os.Getpid()
	out, err := runPS(context.Background(), []string{"-ef"}, []int{pid})
	if err != nil {
		t.Fatal("ps:", err)
	}
	top, err := parsePS(out, []int{pid})
	if err != nil || len(top.Processes) != 1 {
		t.Fatalf("%v %v\n%s", top, err, out)
	}
}

func TestStatsStopped(t *testing.T) {
	d, cs := listFixture(t)
	for _, stream := range []bool{false, true} {
		ch, err := d.ContainerStats(context.Background(), "db", stream)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := <-ch
		if !ok || s.ID != cs["db"].ID || s.Name != "/db" || s.OSType != "linux" || !s.Read.IsZero() || s.MemoryStats.Usage != 0 {
			t.Errorf("sample %+v", s)
		}
		if _, more := <-ch; more {
			t.Error("channel not closed after the empty sample")
		}
	}
}

func TestStatsSample(t *testing.T) {
	_, cs := listFixture(t)
	root := t.TempDir()
	cg := "berth/" + cs["web"].ID
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
	s, err := statsSample(cs["web"], cgroups.New(root, "/"+cg, false))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "/web" || s.Read.IsZero() || s.CPUStats.CPUUsage.TotalUsage != 2e9 || s.CPUStats.SystemUsage == 0 || s.CPUStats.OnlineCPUs == 0 {
		t.Errorf("cpu %+v", s.CPUStats)
	}
	if s.MemoryStats.Usage != 1048576 || s.MemoryStats.Limit != machineMemory() || s.MemoryStats.Stats["total_inactive_file"] != 4096 {
		t.Errorf("memory %+v", s.MemoryStats)
	}
	if s.PidsStats.Current != 2 || len(s.BlkioStats.IoServiceBytesRecursive) != 2 {
		t.Errorf("pids %+v blkio %+v", s.PidsStats, s.BlkioStats)
	}
	if _, err := statsSample(cs["db"], cgroups.New(root, "/berth/"+cs["db"].ID, false)); !errdefs.IsNotFound(err) {
		t.Errorf("missing cgroup: %v", err)
	}
}
