package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// TestLiveRestore kills berthd with SIGKILL while containers run: after a
// restart the same processes still run, exec and logs work, and a
// container that ended meanwhile has its exit code recorded.
func TestLiveRestore(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	docker(t, d, "run", "-d", "--name", "long", "busybox", "sh", "-c", "echo before; exec sleep 300")
	docker(t, d, "run", "-d", "--name", "short", "busybox", "sh", "-c", "sleep 2; exit 5")
	pid := docker(t, d, "inspect", "-f", "{{.State.Pid}}", "long")

	d.Kill()
	time.Sleep(3 * time.Second) // "short" ends while no daemon runs
	d.Restart(t)

	if got := docker(t, d, "inspect", "-f", "{{.State.Pid}}", "long"); got != pid {
		t.Fatalf("pid changed across restart: %q → %q", pid, got)
	}
	if got := docker(t, d, "inspect", "-f", "{{.State.Status}}", "long"); got != "running\n" {
		t.Fatalf("long: %q", got)
	}
	if got := docker(t, d, "exec", "long", "echo", "still here"); got != "still here\n" {
		t.Fatalf("exec after restore: %q", got)
	}
	if got := docker(t, d, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "short"); got != "exited 5\n" {
		t.Fatalf("exit during downtime: %q", got)
	}
	if got := docker(t, d, "logs", "long"); !strings.Contains(got, "before") {
		t.Fatalf("logs after restore: %q", got)
	}
	docker(t, d, "stop", "-t", "1", "long")
	if got := docker(t, d, "inspect", "-f", "{{.State.Status}}", "long"); got != "exited\n" {
		t.Fatalf("stop after restore: %q", got)
	}
}
