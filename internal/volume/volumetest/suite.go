// Package volumetest is the conformance suite every volume driver passes:
// the life cycle of Driver's contract, checked against a real instance.
package volumetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// Run checks the driver made by newDriver (a fresh one per test, rooted in
// t's temporary directory) against Driver's contract. tmpfs says the
// driver takes type=tmpfs options and the test may mount (root only).
func Run(t *testing.T, newDriver func(t *testing.T) volume.Driver, tmpfs bool) {
	t.Run("CreateIsEmpty", func(t *testing.T) { testCreateIsEmpty(t, newDriver(t)) })
	t.Run("DataSurvivesRemount", func(t *testing.T) { testRemount(t, newDriver(t)) })
	t.Run("RemoveDeletes", func(t *testing.T) { testRemove(t, newDriver(t)) })
	t.Run("BadOptions", func(t *testing.T) { testBadOptions(t, newDriver(t)) })
	t.Run("BadName", func(t *testing.T) { testBadName(t, newDriver(t)) })
	t.Run("GivenUpRequestMakesNothing", func(t *testing.T) { testGivenUp(t, newDriver(t)) })
	if tmpfs && os.Geteuid() == 0 {
		t.Run("TmpfsCountedByRef", func(t *testing.T) { testTmpfs(t, newDriver(t)) })
	}
}

func mustCreate(t *testing.T, d volume.Driver, name string, opts map[string]string) {
	t.Helper()
	if err := d.ValidateOptions(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if err := d.Create(t.Context(), name, opts); err != nil {
		t.Fatalf("Create(%s): %v", name, err)
	}
}

func testCreateIsEmpty(t *testing.T, d volume.Driver) {
	mustCreate(t, d, "v1", nil)
	p, err := d.Mount(t.Context(), "v1", nil, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if p != d.Path("v1") {
		t.Errorf("Mount returned %s, Path says %s", p, d.Path("v1"))
	}
	if empty, err := volume.Empty(p); err != nil || !empty {
		t.Errorf("new volume not empty (%v)", err)
	}
	if err := d.Unmount(t.Context(), "v1", "c1"); err != nil {
		t.Fatal(err)
	}
	if err := d.Unmount(t.Context(), "v1", "never-mounted"); err != nil {
		t.Errorf("Unmount of an unknown ref: %v", err)
	}
}

func testRemount(t *testing.T, d volume.Driver) {
	mustCreate(t, d, "data", nil)
	p, err := d.Mount(t.Context(), "data", nil, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, "f"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.Unmount(t.Context(), "data", "c1")
	p, err = d.Mount(t.Context(), "data", nil, "c2")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Unmount(context.Background(), "data", "c2")
	if b, err := os.ReadFile(filepath.Join(p, "f")); err != nil || string(b) != "kept" {
		t.Errorf("data after remount: %q, %v", b, err)
	}
}

func testRemove(t *testing.T, d volume.Driver) {
	mustCreate(t, d, "gone", nil)
	p := d.Path("gone")
	if err := d.Remove(t.Context(), "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("data left after Remove: %v", err)
	}
	if err := d.Remove(t.Context(), "gone"); !errdefs.IsNotFound(err) {
		t.Errorf("second Remove: %v, want not found", err)
	}
}

func testBadOptions(t *testing.T, d volume.Driver) {
	for _, opts := range []map[string]string{
		{"nonsense": "1"},
		{"type": "tmpfs"}, // no device
	} {
		if err := d.ValidateOptions(t.Context(), opts); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ValidateOptions(%v) = %v, want invalid argument", opts, err)
		}
	}
}

func testBadName(t *testing.T, d volume.Driver) {
	for _, name := range []string{"../x", "a/b", "-a", "x", ""} {
		if err := d.Create(t.Context(), name, nil); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Create(%q) = %v, want invalid argument", name, err)
		}
	}
}

func testGivenUp(t *testing.T, d volume.Driver) {
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if err := d.Create(done, "late", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Create with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(d.Path("late")); !os.IsNotExist(err) {
		t.Errorf("a cancelled Create made storage: %v", err)
	}
	mustCreate(t, d, "given-up", nil)
	if _, err := d.Mount(done, "given-up", nil, "c1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Mount with a cancelled context = %v, want context.Canceled", err)
	}
	// Tearing down finishes even for a request given up (and the
	// cancelled Mount counted no user).
	if err := d.Remove(done, "given-up"); err != nil {
		t.Errorf("Remove with a cancelled context: %v", err)
	}
	if _, err := os.Stat(d.Path("given-up")); !os.IsNotExist(err) {
		t.Errorf("data left after Remove: %v", err)
	}
}

func testTmpfs(t *testing.T, d volume.Driver) {
	opts := map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m,uid=1000"}
	mustCreate(t, d, "mem", opts)
	defer d.Remove(context.Background(), "mem")
	p, err := d.Mount(t.Context(), "mem", opts, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Mount(t.Context(), "mem", opts, "c2"); err != nil {
		t.Fatal(err)
	}
	if !isTmpfs(p) {
		t.Fatalf("%s is not a tmpfs after Mount", p)
	}
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil || st.Uid != 1000 {
		t.Errorf("o=uid=1000 not applied: uid %d, %v", st.Uid, err)
	}
	os.WriteFile(filepath.Join(p, "f"), []byte("x"), 0o644)
	d.Unmount(t.Context(), "mem", "c1")
	if !isTmpfs(p) {
		t.Fatal("tmpfs taken down while c2 still uses it")
	}
	d.Unmount(t.Context(), "mem", "c2")
	if isTmpfs(p) {
		t.Fatal("tmpfs still mounted after the last Unmount")
	}
	if _, err := os.Stat(filepath.Join(p, "f")); !os.IsNotExist(err) {
		t.Errorf("file of the tmpfs visible after unmount: %v", err)
	}
}

func isTmpfs(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Type == unix.TMPFS_MAGIC
}
