package integration

import (
	"os"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// TestIsolationOptions checks run options that change a container's
// namespaces, limits and security settings, from inside the container.
func TestIsolationOptions(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	run := func(args ...string) string {
		t.Helper()
		return docker(t, d, append([]string{"run", "--rm"}, args...)...)
	}

	hostPidNS, _ := os.Readlink("/proc/self/ns/pid")
	if got := run("busybox", "readlink", "/proc/1/ns/pid"); strings.TrimSpace(got) == hostPidNS {
		t.Fatal("a default container shares the host's pid namespace")
	}
	if got := run("--pid", "host", "busybox", "readlink", "/proc/self/ns/pid"); strings.TrimSpace(got) != hostPidNS {
		t.Fatalf("--pid host: %q, host %q", got, hostPidNS)
	}
	hostIpcNS, _ := os.Readlink("/proc/self/ns/ipc")
	if got := run("--ipc", "host", "busybox", "readlink", "/proc/self/ns/ipc"); strings.TrimSpace(got) != hostIpcNS {
		t.Fatalf("--ipc host: %q", got)
	}
	if got := run("--sysctl", "net.ipv4.ip_forward=1", "busybox", "cat", "/proc/sys/net/ipv4/ip_forward"); got != "1\n" {
		t.Fatalf("--sysctl: %q", got)
	}
	if got := run("--ulimit", "nofile=512:1024", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn"); got != "512\n1024\n" {
		t.Fatalf("--ulimit: %q", got)
	}
	if got := run("--shm-size", "8m", "busybox", "df", "-k", "/dev/shm"); !strings.Contains(got, "8192") {
		t.Fatalf("--shm-size: %q", got)
	}
	if got := run("--security-opt", "no-new-privileges", "busybox", "grep", "NoNewPrivs", "/proc/self/status"); !strings.Contains(got, "1") {
		t.Fatalf("no-new-privileges: %q", got)
	}
	if got := run("busybox", "grep", "Seccomp:", "/proc/self/status"); !strings.Contains(got, "2") {
		t.Fatalf("default seccomp: %q", got)
	}
	if got := run("--security-opt", "seccomp=unconfined", "busybox", "grep", "Seccomp:", "/proc/self/status"); !strings.Contains(got, "0") {
		t.Fatalf("seccomp=unconfined: %q", got)
	}
	if got := run("--device", "/dev/null:/dev/mynull", "busybox", "sh", "-c", "echo x > /dev/mynull && echo ok"); got != "ok\n" {
		t.Fatalf("--device: %q", got)
	}
	if got := run("--pids-limit", "20", "-m", "32m", "--cpu-shares", "512", "busybox", "sh", "-c",
		"cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.weight"); !strings.Contains(got, "20") || !strings.Contains(got, "33554432") {
		t.Fatalf("cgroup limits seen inside: %q", got)
	}
	// Logs rotate and cannot fill the disk: at most max-file files of max-size.
	docker(t, d, "run", "--name", "chatty", "--log-opt", "max-size=2k", "--log-opt", "max-file=2", "busybox", "sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done")
	logs := docker(t, d, "logs", "chatty")
	if !strings.HasSuffix(logs, "line-299\n") || strings.Contains(logs, "line-0\n") || len(logs) > 4096 {
		t.Fatalf("rotated logs (%d bytes) end %q", len(logs), logs[max(0, len(logs)-40):])
	}
	docker(t, d, "rm", "chatty")
}
