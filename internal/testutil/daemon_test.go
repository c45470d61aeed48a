package testutil

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"
)

// fakeBinDir builds testdata/fakeberthd as berthd (and berth) and points
// BuildBinaries at it, so the daemon harness is tested without the real
// daemon.
func fakeBinDir(t *testing.T) {
	t.Helper()
	RequireRoot(t)
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "berthd"), "./testdata/fakeberthd").CombinedOutput()
	if err != nil {
		t.Fatalf("build fakeberthd: %v\n%s", err, out)
	}
	for _, name := range []string{"berth", "berth-compose", "berth-shim"} {
		if err := os.Symlink("berthd", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(BinDirEnv, dir)
	if got := BuildBinaries(t); got != dir {
		t.Skipf("binaries already resolved to %s in this process", got)
	}
}

func TestDaemonLifecycle(t *testing.T) {
	fakeBinDir(t)
	t.Setenv("FAKEBERTHD_MOUNT", "1")
	var top string
	t.Run("run", func(t *testing.T) {
		d := StartDaemon(t)
		top = filepath.Dir(d.DataRoot)
		if len(d.Socket) >= 108 {
			t.Errorf("socket path too long: %s", d.Socket)
		}
		if !strings.HasPrefix(d.Host(), "unix:///") {
			t.Errorf("Host() = %q", d.Host())
		}
		ping, err := d.Client().Ping(context.Background(), client.PingOptions{})
		if err != nil || ping.APIVersion != "1.51" {
			t.Fatalf("ping: %+v %v", ping, err)
		}
		first := d.PID
		d.Kill()
		if d.Running() || d.ExitError() == nil {
			t.Fatal("daemon still running after Kill, or exited cleanly")
		}
		d.Restart(t) // stale socket left by the kill; the mount is still there
		if d.PID == first || !d.Running() {
			t.Fatalf("restart: pid %d (was %d), running %v", d.PID, first, d.Running())
		}

		// A second daemon on the same data root must fail to start.
		other, err := StartDaemonWith(t, DaemonConfig{DataRoot: d.DataRoot})
		if err == nil || other.Running() || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("second daemon on the same data root: %v", err)
		}

		// fakeberthd, run as the CLI, rejects -H with a usage error; what
		// matters is that the harness passes it and reports the exit code.
		if _, stderr, code := Berth(t, d, "version"); code == 0 || !strings.Contains(stderr, "-H") {
			t.Errorf("berth CLI: code %d, stderr %q", code, stderr)
		}

		d.Stop(t)
		if d.Running() || d.ExitError() != nil {
			t.Fatalf("stop: running %v, exit %v", d.Running(), d.ExitError())
		}
		if !strings.Contains(d.Log(), "SIGTERM") {
			t.Errorf("log misses the SIGTERM line:\n%s", d.Log())
		}
	})
	// The subtest's cleanup has run: mounts gone, roots removed.
	if _, err := os.Stat(top); !os.IsNotExist(err) {
		t.Errorf("%s still there after cleanup: %v", top, err)
	}
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mountinfo), top) {
		t.Errorf("mount under %s left behind", top)
	}
}
