package integration

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
)

// TestInstallScript runs the README's first command, hack/install.sh, with
// its BERTH_* variables pointing every path into a temporary directory,
// twice: the first run builds, installs, starts berthd and imports
// busybox; the second finds all of it done and starts no second daemon.
// Then the installed berth runs a container through the started daemon.
func TestInstallScript(t *testing.T) {
	need.Root(t, "install.sh installs and starts berthd")
	need.Command(t, "make", "make")
	testutil.SkipIfNoBusybox(t)
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// Short: the socket's path must fit in 108 bytes.
	top, err := os.MkdirTemp("", "bi")
	if err != nil {
		t.Fatal(err)
	}
	data, execRoot := filepath.Join(top, "data"), filepath.Join(top, "exec")
	sock := filepath.Join(execRoot, "berth.sock")
	berth := filepath.Join(top, "prefix", "bin", "berth")
	t.Cleanup(func() { stopInstalled(t, top, data, execRoot) })

	env := append(os.Environ(), "BERTH_PREFIX="+filepath.Join(top, "prefix"), "BERTH_DATA_ROOT="+data,
		"BERTH_EXEC_ROOT="+execRoot, "BERTH_LOG="+filepath.Join(top, "berthd.log"))
	run := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", "install.sh"))
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(top, "berthd.log"))
			t.Fatalf("install.sh: %v\n%s\nberthd log:\n%s", err, out, log)
		}
		return string(out)
	}
	first := run()
	for _, want := range []string{"starting berthd", "imported busybox:latest", "listens on " + sock,
		"export DOCKER_HOST=unix://" + sock, berth + " -H unix://" + sock + " images"} {
		if !strings.Contains(first, want) {
			t.Errorf("first run's output lacks %q:\n%s", want, first)
		}
	}
	pid := installedPID(t, execRoot)
	second := run()
	for _, want := range []string{"berthd already answers on " + sock, "busybox:latest already present", "Debian packages present"} {
		if !strings.Contains(second, want) {
			t.Errorf("second run's output lacks %q:\n%s", want, second)
		}
	}
	if strings.Contains(second, "starting berthd") || installedPID(t, execRoot) != pid {
		t.Errorf("second run started another berthd:\n%s", second)
	}
	out, err := exec.Command(berth, "-H", "unix://"+sock, "run", "--rm", "busybox", "echo", "installed").CombinedOutput()
	if err != nil || string(out) != "installed\n" {
		t.Errorf("berth run through the installed daemon: %v\n%s", err, out)
	}
	// berth compose is the berth-compose installed beside berth.
	out, err = exec.Command(berth, "-H", "unix://"+sock, "compose", "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "Docker Compose version v") {
		t.Errorf("installed berth compose version: %v\n%s", err, out)
	}
}

func installedPID(t *testing.T, execRoot string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(execRoot, "berthd.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// stopInstalled stops the daemon install.sh started (it is not this
// test's child, so wait by polling), then removes its bridge, nftables
// table, mounts and files.
func stopInstalled(t *testing.T, top, data, execRoot string) {
	if b, err := os.ReadFile(filepath.Join(execRoot, "berthd.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			deadline := time.Now().Add(30 * time.Second)
			for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if syscall.Kill(pid, 0) == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				time.Sleep(time.Second)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(data, "metadata.db")); err == nil {
		if err := testutil.PurgeNetworks(data, ""); err != nil {
			t.Logf("cleanup networks: %v", err)
		}
		if _, err := net.InterfaceByName(config.DefaultBridge(data)); err == nil {
			t.Errorf("bridge %s is still there after cleanup", config.DefaultBridge(data))
		}
	}
	if err := testutil.RemoveTree(top); err != nil {
		t.Logf("cleanup: %v", err)
	}
}
