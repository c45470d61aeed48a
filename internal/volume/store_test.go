package volume_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
)

func openStore(t *testing.T, root string) *volume.Store {
	t.Helper()
	d, err := volume.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := volume.Open(root, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreLifecycle(t *testing.T) {
	root := t.TempDir()
	s := openStore(t, root)
	v, created, err := s.Create(t.Context(), volume.CreateOptions{Name: "web", Labels: map[string]string{"a": "b"}})
	if err != nil || !created {
		t.Fatalf("Create: %v %v", created, err)
	}
	if again, created, err := s.Create(t.Context(), volume.CreateOptions{Name: "web"}); err != nil || created || again.Labels["a"] != "b" {
		t.Fatalf("second Create: %+v %v %v", again, created, err)
	}
	if got := s.Path(v); got != filepath.Join(root, "web", "_data") {
		t.Errorf("Path = %s", got)
	}
	if _, err := s.Get("nope"); !errdefs.IsNotFound(err) || err.Error() != "get nope: no such volume" {
		t.Errorf("Get(nope) = %v", err)
	}
	if err := s.AddUser("web", "c1"); err != nil {
		t.Fatal(err)
	}
	s.AddUser("web", "c2")
	err = s.Remove(t.Context(), "web")
	if !errdefs.IsConflict(err) || err.Error() != "remove web: volume is in use - [c1, c2]" {
		t.Fatalf("Remove in use = %v", err)
	}
	// Users and data survive a reopen (a daemon restart).
	os.WriteFile(filepath.Join(s.Path(v), "f"), []byte("x"), 0o644)
	s.Close()
	s = openStore(t, root)
	defer s.Close()
	v, err = s.Get("web")
	if err != nil || len(v.Users) != 2 {
		t.Fatalf("after reopen: %+v %v", v, err)
	}
	if err := s.DropUsers(func(id string) bool { return id == "c1" }); err != nil {
		t.Fatal(err)
	}
	s.RemoveUser("web", "c1")
	if err := s.Remove(t.Context(), "web"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "web")); !os.IsNotExist(err) {
		t.Errorf("directory left: %v", err)
	}
	if err := s.Remove(t.Context(), "web"); !errdefs.IsNotFound(err) {
		t.Errorf("Remove twice: %v", err)
	}
}

func TestStoreRefusesBadNamesAndOptions(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	_, _, err := s.Create(t.Context(), volume.CreateOptions{Name: "a$b"})
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `"a$b" includes invalid characters for a local volume name`) {
		t.Errorf("bad name: %v", err)
	}
	_, _, err = s.Create(t.Context(), volume.CreateOptions{Name: "ok", Options: map[string]string{"bogus": "1"}})
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad option: %v", err)
	}
	_, _, err = s.Create(t.Context(), volume.CreateOptions{Name: "ok", Driver: "nfs-plugin"})
	if !errdefs.IsNotFound(err) {
		t.Errorf("unknown driver: %v", err)
	}
	v, _, err := s.Create(t.Context(), volume.CreateOptions{Anonymous: true})
	if err != nil || len(v.Name) != 64 || !v.Anonymous {
		t.Errorf("anonymous: %+v %v", v, err)
	}
}

func TestCopyUpKeepsOwnersAndModes(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(src, "sub"), 0o750)
	os.WriteFile(filepath.Join(src, "sub", "f"), []byte("hi"), 0o640)
	os.Symlink("/etc/passwd", filepath.Join(src, "link"))
	syscall.Chmod(src, 0o1777)
	if os.Geteuid() == 0 {
		os.Lchown(filepath.Join(src, "sub", "f"), 123, 456)
	}
	if err := volume.CopyUp(src, dst); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dst, "sub", "f"))
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("file: %v %v", st, err)
	}
	if sys := st.Sys().(*syscall.Stat_t); os.Geteuid() == 0 && (sys.Uid != 123 || sys.Gid != 456) {
		t.Errorf("owner %d:%d, want 123:456", sys.Uid, sys.Gid)
	}
	if l, err := os.Readlink(filepath.Join(dst, "link")); err != nil || l != "/etc/passwd" {
		t.Errorf("symlink: %q %v", l, err)
	}
	if st, _ := os.Stat(dst); st.Mode()&os.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Errorf("root mode %v", st.Mode())
	}
}
