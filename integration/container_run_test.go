package integration

import (
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// TestRunLifecycle drives the common container life cycle through the
// docker CLI: run attached and detached, exit codes, logs, exec, stop, rm.
func TestRunLifecycle(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)

	if out := docker(t, d, "run", "--rm", "busybox", "echo", "hello"); out != "hello\n" {
		t.Fatalf("run --rm echo: %q", out)
	}
	stdout, stderr, code := testutil.Docker(t, d, "run", "--name", "three", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3")
	if code != 3 || stdout != "out\n" || stderr != "err\n" {
		t.Fatalf("exit 3 run: code %d stdout %q stderr %q", code, stdout, stderr)
	}
	if got := docker(t, d, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "three"); got != "exited 3\n" {
		t.Fatalf("inspect after exit: %q", got)
	}
	if got := docker(t, d, "logs", "three"); got != "out\n" {
		t.Fatalf("logs stdout: %q", got)
	}

	id := strings.TrimSpace(docker(t, d, "run", "-d", "--name", "web", "busybox", "sh", "-c", "echo started; exec sleep 300"))
	if len(id) != 64 {
		t.Fatalf("run -d printed %q", id)
	}
	if got := docker(t, d, "exec", "web", "sh", "-c", "echo $((6*7))"); got != "42\n" {
		t.Fatalf("exec: %q", got)
	}
	_, _, code = testutil.Docker(t, d, "exec", "web", "sh", "-c", "exit 4")
	if code != 4 {
		t.Fatalf("exec exit code %d, want 4", code)
	}
	ps := docker(t, d, "ps", "--format", "{{.Names}} {{.Status}}")
	if !strings.Contains(ps, "web Up") {
		t.Fatalf("ps: %q", ps)
	}
	docker(t, d, "stop", "-t", "1", "web")
	if got := docker(t, d, "inspect", "-f", "{{.State.Running}}", "web"); got != "false\n" {
		t.Fatalf("still running after stop: %q", got)
	}
	// Stopping a stopped container is not an error (304).
	docker(t, d, "stop", "web")
	docker(t, d, "rm", "web", "three")
	if out := docker(t, d, "ps", "-aq"); out != "" {
		t.Fatalf("containers left: %q", out)
	}
}

func TestRunStdinAndErrors(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	out, _, code := testutil.DockerStdin(t, d, strings.NewReader("piped in\n"), "run", "-i", "--rm", "busybox", "cat")
	if code != 0 || out != "piped in\n" {
		t.Fatalf("stdin through run -i: code %d out %q", code, out)
	}
	_, stderr, code := testutil.Docker(t, d, "run", "--rm", "busybox", "no-such-command")
	if code != 127 || !strings.Contains(stderr, "executable file not found in $PATH") {
		t.Fatalf("missing command: code %d stderr %q", code, stderr)
	}
	docker(t, d, "create", "--name", "taken", "busybox", "true")
	if msg := dockerFails(t, d, "create", "--name", "taken", "busybox", "true"); !strings.Contains(msg, `The container name "/taken" is already in use`) {
		t.Fatalf("name conflict: %q", msg)
	}
	if msg := dockerFails(t, d, "start", "nosuch"); !strings.Contains(msg, "No such container: nosuch") {
		t.Fatalf("unknown container: %q", msg)
	}
	if msg := dockerFails(t, d, "rmi", "busybox"); !strings.Contains(msg, "container") {
		t.Fatalf("rmi of an image in use: %q", msg)
	}
}

// TestDefaultSecurity checks Docker's defaults inside a container: the 14
// default capabilities, masked and read-only kernel paths.
func TestDefaultSecurity(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	status := docker(t, d, "run", "--rm", "busybox", "grep", "Cap", "/proc/self/status")
	// Docker's default set: chown dac_override fowner fsetid kill setgid setuid
	// setpcap net_bind_service net_raw sys_chroot mknod audit_write setfcap.
	if !strings.Contains(status, "CapEff:\t00000000a80425fb") || !strings.Contains(status, "CapInh:\t0000000000000000") {
		t.Fatalf("capabilities: %s", status)
	}
	// /proc/interrupts is among Docker's masked paths and is never empty on
	// the host (this kernel has no /proc/kcore to check instead).
	if out := docker(t, d, "run", "--rm", "busybox", "sh", "-c", "wc -c < /proc/interrupts"); strings.TrimSpace(out) != "0" {
		t.Fatalf("/proc/interrupts not masked: %q", out)
	}
	if _, _, code := testutil.Docker(t, d, "run", "--rm", "busybox", "sh", "-c", "echo 1 > /proc/sys/kernel/panic"); code == 0 {
		t.Fatal("/proc/sys is writable")
	}
	if out := docker(t, d, "run", "--rm", "--privileged", "busybox", "sh", "-c", "grep CapEff /proc/self/status"); strings.Contains(out, "a80425fb") {
		t.Fatalf("--privileged kept the default set: %q", out)
	}
	if out := docker(t, d, "run", "--rm", "--cap-drop", "ALL", "busybox", "grep", "CapEff", "/proc/self/status"); !strings.Contains(out, "0000000000000000") {
		t.Fatalf("--cap-drop ALL: %q", out)
	}
	if _, _, code := testutil.Docker(t, d, "run", "--rm", "--read-only", "busybox", "touch", "/x"); code == 0 {
		t.Fatal("--read-only rootfs is writable")
	}
	if out := docker(t, d, "run", "--rm", "-u", "65534:65534", "busybox", "id"); !strings.Contains(out, "uid=65534") {
		t.Fatalf("-u: %q", out)
	}
}
