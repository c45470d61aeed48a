package volume

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestLeaksFindsOrphanedStorage(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	l, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(root, l)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Create(ctx, CreateOptions{Name: "kept"}); err != nil {
		t.Fatal(err)
	}
	// What a create cut short leaves, and an orphan someone wrote into.
	for _, n := range []string{"empty", "full"} {
		if err := os.MkdirAll(filepath.Join(root, n, "_data"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "full", "_data", "f"), []byte("x"), 0o644)
	leaks, err := s.Leaks()
	if err != nil {
		t.Fatal(err)
	}
	if len(leaks) != 2 || !leaks[0].Orphan || leaks[0].Name != "empty" || leaks[1].Name != "full" {
		t.Fatalf("%+v", leaks)
	}
	if err := s.Repair(ctx, leaks[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.Repair(ctx, leaks[1]); err == nil {
		t.Fatal("storage holding data was removed")
	}
	if _, err := os.Stat(filepath.Join(root, "full", "_data", "f")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "empty")); !os.IsNotExist(err) {
		t.Fatal("empty orphan still there")
	}
}
