package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// nsLinks prints a process's IPC and PID namespaces (busybox readlink
// takes one name).
const nsLinks = "for n in ipc pid; do readlink /proc/self/ns/$n; done"

// TestSharedNamespaces: --pid and --ipc container:<name> join the donor's
// namespaces (the joiner sees its processes and its /dev/shm), and a
// donor that is not shareable or not running is refused in Docker's words.
func TestSharedNamespaces(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "donor", "--ipc", "shareable", "busybox",
		"sh", "-c", "echo shared > /dev/shm/token && exec sleep 1000")
	docker(t, d, "run", "-d", "--name", "private", "busybox", "sleep", "1000")
	docker(t, d, "create", "--name", "stopped", "--ipc", "shareable", "busybox", "true")

	// Until the donor has written its token.
	waitFor(t, "the donor's token", 10*time.Second, func() bool {
		out, _, _ := testutil.Docker(t, d, "exec", "donor", "cat", "/dev/shm/token")
		return strings.TrimSpace(out) == "shared"
	})
	out := docker(t, d, "run", "--rm", "--pid", "container:donor", "--ipc", "container:donor", "busybox",
		"sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; cat /dev/shm/token; "+nsLinks)
	lines := nonEmptyLines(out)
	donorNS := nonEmptyLines(docker(t, d, "exec", "donor", "sh", "-c", nsLinks))
	if len(lines) != 4 || lines[0] != "sleep 1000" || lines[1] != "shared" || lines[2] != donorNS[0] || lines[3] != donorNS[1] {
		t.Errorf("joiner saw %q; donor's namespaces %q", lines, donorNS)
	}

	// Stored with the donor's ID, as Docker stores it.
	docker(t, d, "create", "--name", "joiner", "--pid", "container:donor", "busybox", "true")
	donorID := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.Id}}", "donor"))
	if got := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.HostConfig.PidMode}}", "joiner")); got != "container:"+donorID {
		t.Errorf("stored PidMode %q, want container:%s", got, donorID)
	}

	// The words name the donor by ID: the mode is stored with it.
	id := func(name string) string { return strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.Id}}", name)) }
	if msg := dockerFails(t, d, "run", "--rm", "--ipc", "container:private", "busybox", "true"); !strings.Contains(msg,
		"container "+id("private")+": non-shareable IPC (hint: use IpcMode:shareable for the donor container)") {
		t.Errorf("private donor: %q", msg)
	}
	for _, mode := range []string{"--pid", "--ipc"} {
		if msg := dockerFails(t, d, "run", "--rm", mode, "container:stopped", "busybox", "true"); !strings.Contains(msg, "container "+id("stopped")+" is not running") {
			t.Errorf("%s of a stopped donor: %q", mode, msg)
		}
	}
}
