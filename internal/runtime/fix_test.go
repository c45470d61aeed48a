package runtime

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestFixHybridCgroups changes the host's cgroup mounts (and undoes it), so
// it runs only when asked: BERTH_TEST_CGROUP_FIX=1.
func TestFixHybridCgroups(t *testing.T) {
	if os.Getenv("BERTH_TEST_CGROUP_FIX") == "" {
		t.Skip("set BERTH_TEST_CGROUP_FIX=1: it remounts host cgroups for the test's duration")
	}
	before := hybridControllers()
	if len(before) == 0 {
		t.Skip("not a hybrid host with cgroup2 controllers")
	}
	r, dir, id := bundle(t, "crun", "sleep", "100")
	// Registered before bundle's cleanup runs last: undo after the
	// container's cgroups are gone.
	t.Cleanup(func() { restoreHybrid(t, before) })
	desc, err := FixHybridCgroups()
	t.Logf("fix: %q", desc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := Works(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := r.Create(ctx, id, dir, CreateOpts{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := r.Kill(ctx, id, syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(ctx, id, true); err != nil {
		t.Fatal(err)
	}
}

// restoreHybrid unmounts the v1 hierarchies FixHybridCgroups made, so the
// host is as it came. The kernel gives a controller back to cgroup2 only
// when its v1 hierarchy dies, and an unmount while a child cgroup is still
// dying (or a live process still links to it) leaves it alive: mounting it
// again and unmounting retries.
func restoreHybrid(t *testing.T, ctrls []string) {
	for _, c := range ctrls {
		mnt := filepath.Join("/sys/fs/cgroup", c)
		os.Remove(filepath.Join(mnt, "berth"))
		if err := unix.Unmount(mnt, 0); err == nil {
			os.Remove(mnt)
		}
		for i := 0; i < 10 && !slices.Contains(hybridControllers(), c); i++ {
			time.Sleep(200 * time.Millisecond)
			tmp, err := os.MkdirTemp("", "cgroup-"+c)
			if err != nil {
				continue
			}
			if unix.Mount("cgroup", tmp, "cgroup", 0, c) == nil {
				unix.Unmount(tmp, 0)
			}
			os.Remove(tmp)
		}
		if !slices.Contains(hybridControllers(), c) {
			// Seen here: it returns once this test process exits.
			t.Logf("%s not yet back in cgroup2 (css_sets of live processes still hold its hierarchy)", c)
		}
	}
}
