package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRestartPolicyAndPause(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	docker(t, d, "run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1")
	waitFor(t, "two restarts then exit", 20*time.Second, func() bool {
		return docker(t, d, "inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "flaky") == "2 exited\n"
	})

	docker(t, d, "run", "-d", "--name", "paused", "busybox", "sleep", "300")
	docker(t, d, "pause", "paused")
	if got := docker(t, d, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "paused"); got != "paused true\n" {
		t.Fatalf("after pause: %q", got)
	}
	if msg := dockerFails(t, d, "exec", "paused", "true"); !strings.Contains(msg, "is paused") {
		t.Fatalf("exec into a paused container: %q", msg)
	}
	docker(t, d, "unpause", "paused")
	if got := docker(t, d, "exec", "paused", "echo", "thawed"); got != "thawed\n" {
		t.Fatalf("after unpause: %q", got)
	}
	docker(t, d, "rm", "-f", "paused", "flaky")
}

func TestRunOptions(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	if got := docker(t, d, "run", "--rm", "--init", "busybox", "cat", "/proc/1/comm"); !strings.Contains(got, "tini") && !strings.Contains(got, "init") {
		t.Fatalf("--init: pid 1 is %q", got)
	}
	if got := docker(t, d, "run", "--rm", "-t", "busybox", "tty"); !strings.HasPrefix(got, "/dev/pts/") {
		t.Fatalf("-t: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "--runtime", "runc", "busybox", "echo", "runc ok"); got != "runc ok\n" {
		t.Fatalf("--runtime runc: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "-e", "A=1", "-w", "/tmp", "--hostname", "box", "busybox", "sh", "-c", "echo $A $(pwd) $(hostname)"); got != "1 /tmp box\n" {
		t.Fatalf("-e -w --hostname: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "--entrypoint", "echo", "busybox", "via", "entrypoint"); got != "via entrypoint\n" {
		t.Fatalf("--entrypoint: %q", got)
	}

	_, _, code := testutil.Docker(t, d, "run", "--name", "oom", "-m", "16m", "--memory-swap", "16m", "busybox", "tail", "/dev/zero")
	if code != 137 {
		t.Fatalf("OOM run exit %d, want 137", code)
	}
	if got := docker(t, d, "inspect", "-f", "{{.State.OOMKilled}}", "oom"); got != "true\n" {
		t.Fatalf("OOMKilled: %q", got)
	}

	docker(t, d, "run", "-d", "--name", "talker", "busybox", "sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.2; done")
	if got := docker(t, d, "logs", "-f", "talker"); got != "line 1\nline 2\nline 3\n" {
		t.Fatalf("logs -f: %q", got)
	}
	if got := docker(t, d, "logs", "--tail", "1", "talker"); got != "line 3\n" {
		t.Fatalf("logs --tail 1: %q", got)
	}
	docker(t, d, "rm", "oom", "talker")
}
