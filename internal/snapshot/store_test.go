package snapshot

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

func fill(t *testing.T, s *Store, chain, parent digest.Digest, file string) Info {
	t.Helper()
	p, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Dir(), file), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := p.Commit(Info{ChainID: chain, Parent: parent, DiffID: chain, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestCommitLowersRemove(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	base, top := digest.FromString("base"), digest.FromString("top")
	fill(t, s, base, "", "a")
	fill(t, s, top, base, "b")
	lowers, err := s.Lowers(top)
	if err != nil {
		t.Fatal(err)
	}
	if len(lowers) != 2 {
		t.Fatalf("lowers %v", lowers)
	}
	if _, err := os.Stat(filepath.Join(lowers[0], "b")); err != nil {
		t.Fatalf("top first: %v", err)
	}
	if err := s.Remove(top); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(top); !errdefs.IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	n := 0
	s.Walk(func(Info) error { n++; return nil })
	if n != 1 {
		t.Fatalf("walk saw %d trees, want 1", n)
	}
}

func TestCommitSameChainTwiceKeepsFirst(t *testing.T) {
	s, _ := New(t.TempDir())
	c := digest.FromString("same")
	fill(t, s, c, "", "first")
	fill(t, s, c, "", "second")
	d, _ := s.Dir(c)
	if _, err := os.Stat(filepath.Join(d, "first")); err != nil {
		t.Fatal("first tree replaced")
	}
	tmp, _ := os.ReadDir(s.tmpDir())
	if len(tmp) != 0 {
		t.Fatalf("dropped tree left behind: %v", tmp)
	}
}

func TestCommitNeedsParent(t *testing.T) {
	s, _ := New(t.TempDir())
	p, _ := s.Begin()
	if _, err := p.Commit(Info{ChainID: digest.FromString("x"), Parent: digest.FromString("missing")}); !errdefs.IsNotFound(err) {
		t.Fatalf("want not found for a missing parent, got %v", err)
	}
}

func TestNewClearsPending(t *testing.T) {
	root := t.TempDir()
	s, _ := New(root)
	if _, err := s.Begin(); err != nil {
		t.Fatal(err)
	}
	if _, err := New(root); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(filepath.Join(root, "tmp"))
	if len(left) != 0 {
		t.Fatalf("pending trees survived a restart: %v", left)
	}
}
