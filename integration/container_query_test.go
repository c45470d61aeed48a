package integration

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestContainerQueries drives the read and edit commands through the
// docker CLI: ps with filters, inspect, top, stats, update, rename, prune.
func TestContainerQueries(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)

	webID := strings.TrimSpace(docker(t, d, "run", "-d", "--name", "web", "--label", "app=web", "busybox", "sleep", "300"))
	if _, _, code := testutil.Docker(t, d, "run", "--name", "job", "busybox", "sh", "-c", "echo data > /f; exit 3"); code != 3 {
		t.Fatalf("job exited %d, want 3", code)
	}
	docker(t, d, "create", "--name", "fresh", "busybox", "true")

	ps := func(args ...string) string {
		return strings.Join(nonEmptyLines(docker(t, d, append([]string{"ps", "--format", "{{.Names}}"}, args...)...)), ",")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "web"},
		{[]string{"-a"}, "fresh,job,web"},
		{[]string{"-n", "1"}, "fresh"},
		{[]string{"-l"}, "fresh"},
		{[]string{"-f", "status=exited"}, "job"},
		{[]string{"-a", "-f", "exited=3"}, "job"},
		{[]string{"-a", "-f", "name=we"}, "web"},
		{[]string{"-a", "-f", "label=app=web"}, "web"},
		{[]string{"-a", "-f", "ancestor=busybox"}, "fresh,job,web"},
		{[]string{"-a", "-f", "before=fresh"}, "job,web"},
		{[]string{"-a", "-f", "since=web"}, "fresh,job"},
		{[]string{"-a", "-f", "id=" + webID[:10]}, "web"},
	} {
		if got := ps(tc.args...); got != tc.want {
			t.Errorf("ps %v: %q, want %q", tc.args, got, tc.want)
		}
	}
	if msg := dockerFails(t, d, "ps", "-f", "status=bogus"); !strings.Contains(msg, "invalid filter 'status=bogus'") {
		t.Errorf("bad status filter: %q", msg)
	}
	if got := docker(t, d, "ps", "--no-trunc", "--format", "{{.Command}}|{{.Status}}"); !strings.HasPrefix(got, `"sleep 300"|Up `) {
		t.Errorf("ps command/status: %q", got)
	}
	if got := docker(t, d, "ps", "-a", "-s", "-f", "name=job", "--format", "{{.Size}}"); !strings.Contains(got, "B (virtual ") || strings.HasPrefix(got, "0B") {
		t.Errorf("ps -s: %q", got)
	}

	got := docker(t, d, "inspect", "-f", "{{.Name}} {{.State.Status}} {{.State.Running}} {{.GraphDriver.Name}} {{.Platform}}", "web")
	if got != "/web running true overlayfs linux\n" {
		t.Errorf("inspect: %q", got)
	}
	if got := docker(t, d, "inspect", "-f", "{{.State.FinishedAt}} {{.State.ExitCode}}", "fresh"); got != "0001-01-01T00:00:00Z 0\n" {
		t.Errorf("inspect fresh: %q", got)
	}
	if got := docker(t, d, "inspect", "-s", "-f", "{{.SizeRw}}", "job"); got == "0\n" || got == "<nil>\n" {
		t.Errorf("inspect -s: %q", got)
	}

	top := docker(t, d, "top", "web")
	if lines := nonEmptyLines(top); len(lines) != 2 || !strings.Contains(lines[0], "PID") || !strings.HasSuffix(lines[1], "sleep 300") {
		t.Errorf("top: %q", top)
	}
	if top := docker(t, d, "top", "web", "-o", "pid,comm"); !strings.Contains(top, "sleep") {
		t.Errorf("top -o: %q", top)
	}
	if msg := dockerFails(t, d, "top", "job"); !strings.Contains(msg, "is not running") {
		t.Errorf("top of a stopped container: %q", msg)
	}

	if got := docker(t, d, "update", "-m", "64m", "--cpus", "0.5", "--pids-limit", "50", "--restart", "on-failure:2", "web"); got != "web\n" {
		t.Errorf("update printed %q", got)
	}
	got = docker(t, d, "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}", "web")
	if got != "67108864 500000000 50 on-failure\n" {
		t.Errorf("after update: %q", got)
	}
	// The running container's cgroup got the limits.
	cg := cgroups.Open("/berth/" + webID)
	if st, err := cg.Stats(); err != nil || st.Memory.Limit != 64<<20 || st.Pids.Limit != 50 {
		t.Errorf("cgroup after update: %+v %v", st, err)
	}
	if !cgroups.IsUnified(cgroups.DefaultRoot) {
		if q, _ := os.ReadFile(filepath.Join(cgroups.DefaultRoot, "cpu", "berth", webID, "cpu.cfs_quota_us")); strings.TrimSpace(string(q)) != "50000" {
			t.Errorf("cpu quota %q", q)
		}
	}
	if msg := dockerFails(t, d, "update", "-m", "1m", "web"); !strings.Contains(msg, "Minimum memory limit allowed is 6MB") {
		t.Errorf("update -m 1m: %q", msg)
	}

	stats := docker(t, d, "stats", "--no-stream", "--format", "{{.Name}}|{{.MemUsage}}|{{.PIDs}}|{{.CPUPerc}}", "web")
	if f := strings.Split(strings.TrimSpace(stats), "|"); len(f) != 4 || f[0] != "web" || !strings.HasSuffix(f[1], "/ 64MiB") || f[2] != "1" || !strings.HasSuffix(f[3], "%") {
		t.Errorf("stats: %q", stats)
	}

	docker(t, d, "rename", "web", "web2")
	if got := ps(); got != "web2" {
		t.Errorf("after rename: %q", got)
	}
	if msg := dockerFails(t, d, "rename", "web2", "web2"); !strings.Contains(msg, "Renaming a container with the same name as its current name") {
		t.Errorf("rename to the same name: %q", msg)
	}
	if msg := dockerFails(t, d, "rename", "web2", "job"); !strings.Contains(msg, `The container name "/job" is already in use`) {
		t.Errorf("rename to a taken name: %q", msg)
	}

	out := docker(t, d, "container", "prune", "-f")
	if !strings.HasPrefix(out, "Deleted Containers:\n") || !strings.Contains(out, "Total reclaimed space:") || len(nonEmptyLines(out)) != 4 {
		t.Errorf("prune: %q", out)
	}
	if got := ps("-a"); got != "web2" {
		t.Errorf("after prune: %q", got)
	}
	docker(t, d, "rm", "-f", "web2")
	if _, err := os.Stat(filepath.Join(cgroups.DefaultRoot, "memory", "berth", webID)); err == nil {
		t.Errorf("cgroup of removed container left behind")
	}
}

// TestContainerStatsStream reads the stats stream: a sample a second, each
// carrying the previous one's CPU figures, ending when the container stops.
func TestContainerStatsStream(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "st", "busybox", "sleep", "300")

	res, err := d.Client().ContainerStats(t.Context(), "st", client.ContainerStatsOptions{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	var samples []container.StatsResponse
	for len(samples) < 2 {
		var s container.StatsResponse
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("sample %d: %v", len(samples), err)
		}
		samples = append(samples, s)
	}
	first, second := samples[0], samples[1]
	if first.Name != "/st" || !first.PreRead.IsZero() || second.PreRead != first.Read || second.PreCPUStats.SystemUsage == 0 {
		t.Errorf("samples: %+v\n%+v", first, second)
	}
	if second.MemoryStats.Usage == 0 || second.PidsStats.Current != 1 || second.CPUStats.OnlineCPUs == 0 {
		t.Errorf("sample figures: %+v", second)
	}

	// top works on a paused container too.
	docker(t, d, "pause", "st")
	if top := docker(t, d, "top", "st"); !strings.Contains(top, "sleep 300") {
		t.Errorf("top of a paused container: %q", top)
	}
	docker(t, d, "unpause", "st")

	done := make(chan error, 1)
	go func() {
		for {
			var s container.StatsResponse
			if err := dec.Decode(&s); err != nil {
				done <- err
				return
			}
		}
	}()
	docker(t, d, "stop", "-t", "0", "st")
	select {
	case err := <-done:
		if err != io.EOF {
			t.Errorf("stream ended with %v, want EOF", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("stats stream still open after the container stopped")
	}
}
