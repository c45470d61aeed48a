package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestStoreCheckFindsAndRepairs plants real leaks on a live daemon (an
// unreferenced blob, build scratch, a stopped container's rootfs still
// mounted and its cgroup still there, the directory of a container that
// is gone) and checks that the store check names each, that `berth system
// check` exits 1, and that --repair leaves a clean store and a container
// that still starts.
func TestStoreCheckFindsAndRepairs(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	if _, errOut, code := testutil.Docker(t, d, "run", "-d", "--name", "live", "busybox", "sleep", "300"); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := testutil.Berth(t, d, "create", "--name", "idle", "busybox", "true")
	if code != 0 {
		t.Fatal(errOut)
	}
	idle := strings.TrimSpace(out)
	if out, errOut, code := testutil.Berth(t, d, "system", "check"); code != 0 || !strings.HasPrefix(out, "No problems found") {
		t.Fatalf("a clean daemon: %d %s %s", code, out, errOut)
	}

	blob := []byte("nobody references me")
	sum := sha256.Sum256(blob)
	blobPath := filepath.Join(d.DataRoot, "content", "blobs", "sha256", hex.EncodeToString(sum[:]))
	if err := os.WriteFile(blobPath, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	scratch := filepath.Join(d.DataRoot, "builder", "tmp", "context-left")
	if err := os.MkdirAll(scratch, 0o700); err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(d.DataRoot, "containers", idle, "rootfs")
	os.MkdirAll(rootfs, 0o755)
	if err := syscall.Mount("tmpfs", rootfs, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Unmount(rootfs, syscall.MNT_DETACH) })
	cg := "/sys/fs/cgroup/pids/berth/" + idle
	if _, err := os.Stat("/sys/fs/cgroup/pids"); err != nil {
		cg = "/sys/fs/cgroup/berth/" + idle
	}
	if err := os.MkdirAll(cg, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(cg) })

	// A removal cut short after its record went leaves the directory.
	strayDir := filepath.Join(d.DataRoot, "containers", strings.Repeat("cd", 32))
	if err := os.MkdirAll(filepath.Join(strayDir, "upper"), 0o755); err != nil {
		t.Fatal(err)
	}

	rep := storeCheck(t, d, false)
	want := map[string]bool{"blob of": false, "build scratch": false, "root filesystem mounted": false, "its cgroup": false, "container that is gone": false}
	for _, p := range rep.Problems {
		for w := range want {
			if strings.Contains(p.Problem, w) {
				want[w] = true
			}
		}
	}
	for w, seen := range want {
		if !seen {
			t.Errorf("no problem says %q: %v", w, rep.Problems)
		}
	}
	if len(rep.Problems) != 5 {
		t.Errorf("want 5 problems, got %v", rep.Problems)
	}
	out, _, code = testutil.Berth(t, d, "system", "check")
	if code != 1 || strings.Count(out, "\n") != 5 {
		t.Errorf("berth system check: exit %d\n%s", code, out)
	}
	out, _, code = testutil.Berth(t, d, "system", "check", "--repair")
	if code != 1 || strings.Count(out, "(repaired)") != 5 {
		t.Errorf("berth system check --repair: exit %d\n%s", code, out)
	}
	requireClean(t, d, "repair")
	for _, p := range []string{blobPath, strayDir} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := d.Client().ContainerStart(context.Background(), idle, client.ContainerStartOptions{}); err != nil {
		t.Errorf("the repaired container does not start: %v", err)
	}
	requireClean(t, d, "starting the repaired container")
}
