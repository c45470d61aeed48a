package snapshot

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/go-digest"
)

// The contract is checked by snapshottest (conformance_test.go); these
// are the Store's own promises about its directory.

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

func TestWalkReportsLeftovers(t *testing.T) {
	s, _ := New(t.TempDir())
	// A tree directory without info.json: what a crash can leave.
	c := digest.FromString("leftover")
	if err := os.MkdirAll(filepath.Join(s.root, c.Encoded(), "fs"), 0o755); err != nil {
		t.Fatal(err)
	}
	var seen []Info
	s.Walk(func(info Info) error { seen = append(seen, info); return nil })
	if len(seen) != 1 || seen[0].ChainID != c || seen[0].DiffID != "" {
		t.Fatalf("Walk saw %+v, want the leftover by chain ID only", seen)
	}
	if err := s.Remove(c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.root, c.Encoded())); !os.IsNotExist(err) {
		t.Fatalf("leftover not removed: %v", err)
	}
	// A commit takes the place of a leftover under its name.
	os.MkdirAll(filepath.Join(s.root, c.Encoded(), "fs", "junk"), 0o755)
	p, _ := s.Begin()
	if _, err := p.Commit(Info{ChainID: c}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.root, c.Encoded(), "fs", "junk")); !os.IsNotExist(err) {
		t.Fatalf("the leftover's files survived a commit: %v", err)
	}
}
