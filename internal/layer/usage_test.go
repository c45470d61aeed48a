package layer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDiskUsage(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(root, "a", "f"), make([]byte, 300), 0o644)
	os.WriteFile(filepath.Join(root, "a", "b", "g"), make([]byte, 20), 0o644)
	if err := os.Link(filepath.Join(root, "a", "f"), filepath.Join(root, "h")); err != nil {
		t.Fatal(err)
	}
	if n, err := DiskUsage(root); err != nil || n != 320 { // the hard link counts once
		t.Errorf("got %d %v, want 320", n, err)
	}
	if n, err := DiskUsage(filepath.Join(root, "never")); err != nil || n != 0 {
		t.Errorf("missing root: %d %v", n, err)
	}
}
